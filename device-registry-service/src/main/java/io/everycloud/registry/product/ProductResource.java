package io.everycloud.registry.product;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import io.everycloud.kit.security.Roles;

/** The product's provisioning mode and data transform (oem). */
@Path("/api/product")
@RolesAllowed(Roles.OEM)
public class ProductResource {

    @Inject
    ProductService products;

    @GET
    public ProductSettings get() {
        return products.get();
    }

    @PUT
    public ProductSettings put(ProductSettings settings) {
        return products.put(settings);
    }
}
