package io.everycloud.portal;

import io.everycloud.testkit.EveryCloudTestResource;
import io.everycloud.testkit.ServiceBasicsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = EveryCloudTestResource.class, initArgs = @io.quarkus.test.common.ResourceArg(name = "database", value = "portal"))
class PortalServiceBasicsTest extends ServiceBasicsContract {
}
