package io.netmgr.cni.result;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.cni.CniError;
import io.netmgr.cni.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CniResultTest {
    private final CniResult result = new CniResult(
            List.of(new CniResult.Interface("br0", "aa:bb:cc:00:00:01", Optional.empty(), Optional.empty()),
                    new CniResult.Interface("eth0", "02:42:0a:00:00:02", Optional.of("/run/netns/c"), Optional.empty())),
            List.of(new CniResult.Ip("10.0.0.2/24", Optional.of("10.0.0.1"), Optional.of(1)),
                    new CniResult.Ip("fd00::2/64", Optional.of("fd00::1"), Optional.of(1))),
            List.of(new CniResult.Route("0.0.0.0/0", Optional.of("10.0.0.1"))),
            Map.of("nameservers", List.of("10.0.0.1")));

    @Test
    void oldVersionsCarryTheIpVersion() {
        for (String v : List.of("0.3.0", "0.3.1", "0.4.0")) {
            assertThat(Json.write(result.toJson(v))).isEqualTo("{\"cniVersion\":\"" + v + "\",\"interfaces\":["
                    + "{\"name\":\"br0\",\"mac\":\"aa:bb:cc:00:00:01\"},{\"name\":\"eth0\",\"mac\":\"02:42:0a:00:00:02\",\"sandbox\":\"/run/netns/c\"}],"
                    + "\"ips\":[{\"version\":\"4\",\"interface\":1,\"address\":\"10.0.0.2/24\",\"gateway\":\"10.0.0.1\"},"
                    + "{\"version\":\"6\",\"interface\":1,\"address\":\"fd00::2/64\",\"gateway\":\"fd00::1\"}],"
                    + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.0.0.1\"}],\"dns\":{\"nameservers\":[\"10.0.0.1\"]}}");
        }
    }

    @Test
    void version1DropsIt() {
        for (String v : List.of("1.0.0", "1.1.0")) {
            String json = Json.write(result.toJson(v));
            assertThat(json).startsWith("{\"cniVersion\":\"" + v + "\"").doesNotContain("\"version\"")
                    .contains("{\"interface\":1,\"address\":\"10.0.0.2/24\",\"gateway\":\"10.0.0.1\"}");
        }
    }

    @Test
    void roundTripsAndChainsAfterAPreviousResult() {
        CniResult back = CniResult.parse("r", Json.parse(Json.write(result.toJson("0.4.0"))));
        assertThat(back).isEqualTo(result);
        CniResult prev = new CniResult(List.of(new CniResult.Interface("lo0", "", Optional.empty(), Optional.empty())),
                List.of(), List.of(), Map.of());
        CniResult chained = result.after(prev);
        assertThat(chained.interfaces()).extracting(CniResult.Interface::name).containsExactly("lo0", "br0", "eth0");
        assertThat(chained.ips()).allSatisfy(ip -> assertThat(ip.interfaceIndex()).contains(2));
    }

    @Test
    void errorsAreTheSpecObject() {
        assertThat(new CniError(7, "bad \"x\"", "fix it").toJson("0.3.1"))
                .isEqualTo("{\"cniVersion\":\"0.3.1\",\"code\":7,\"msg\":\"bad \\\"x\\\"\",\"details\":\"fix it\"}");
    }
}
