package io.everycloud.portal;

import io.everycloud.testkit.EveryCloudTestResource;
import io.everycloud.testkit.ServiceBasicsContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.everycloud.portal.web.StandInServices;

@QuarkusTest
@QuarkusTestResource(value = EveryCloudTestResource.class, initArgs = @io.quarkus.test.common.ResourceArg(name = "database", value = "portal"))
// Stand-ins for the services the pages call (separate processes in production; see StandInServices).
@QuarkusTestResource(StandInServices.class)
class PortalServiceBasicsTest extends ServiceBasicsContract {
}
