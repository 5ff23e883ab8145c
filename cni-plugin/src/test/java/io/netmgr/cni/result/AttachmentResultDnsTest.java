package io.netmgr.cni.result;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.network.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttachmentResultDnsTest {
    private static Network network(String driver, boolean predefined) {
        return new Network("id", "n", driver, List.of(), Map.of(), Map.of(), false, true, false, predefined, "now");
    }

    @Test
    void aUserDefinedNetworkNamesNetmgrsResolver() {
        assertThat(AttachmentResult.dns(Map.of(), network("bridge", false), true))
                .isEqualTo(Map.of("nameservers", List.of("127.0.0.11"), "options", List.of("ndots:0")));
    }

    /** In-process, or a netmgrd started with --dns=false: nothing answers on 127.0.0.11, so no result names it. */
    @Test
    void noResolverRunningNamesNone() {
        assertThat(AttachmentResult.dns(Map.of(), network("bridge", false), false)).isEmpty();
    }

    @Test
    void whatTheRuntimeOrConfigurationAskedForWins() {
        Map<String, Object> asked = Map.of("nameservers", List.of("10.30.0.1"));
        assertThat(AttachmentResult.dns(asked, network("bridge", false), true)).isEqualTo(asked);
    }

    @Test
    void predefinedNetworksGetNoResolver() {
        assertThat(AttachmentResult.dns(Map.of(), network("bridge", true), true)).isEmpty();
        assertThat(AttachmentResult.dns(Map.of(), network("host", true), true)).isEmpty();
    }
}
