package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Endpoints as the store keeps them: addresses and routes as text, read back as typed values. */
class StoredEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "e".repeat(64);
    // a dual-stack endpoint as netmgr stored it before its addresses were typed
    private static final String STORED = "{\"id\":\"" + ID + "\",\"name\":\"web\",\"networkId\":\"" + "n".repeat(64) + "\","
            + "\"addresses\":[\"10.4.0.2/24\",\"fd00:4::2/64\"],\"mac\":\"02:42:0a:04:00:02\",\"aliases\":[\"www\"],"
            + "\"interfaceName\":\"eth0\",\"sandboxId\":null,\"hostInterface\":null,\"ports\":[\"127.0.0.1:8080:80/tcp\"]}";

    private final StateStore state = new StateStore(new MemoryStore());

    @Test
    void anEndpointStoredAsTextReadsAsTypedAddresses() throws Exception {
        state.txn().put(StateStore.ENDPOINTS + ID, STORED.getBytes(StandardCharsets.UTF_8)).commit();

        Endpoint read = state.get(StateStore.ENDPOINTS, ID, Endpoint.class).orElseThrow();
        assertThat(read.addresses()).containsExactly(IpNet.parse("10.4.0.2/24"), IpNet.parse("fd00:4::2/64"));
        assertThat(read.addresses()).extracting(IpNet::family).containsExactly(IpFamily.V4, IpFamily.V6);
        assertThat(read.ips()).containsExactly(IpAddress.parse("10.4.0.2"), IpAddress.parse("fd00:4::2"));
        assertThat(read.ports()).containsExactly(PortBinding.parse("127.0.0.1:8080:80/tcp"));
        assertThat(read.portMappings()).singleElement().satisfies(m -> assertThat(m.containerIp()).isEqualTo(IpAddress.parse("10.4.0.2")));
        // written back, the addresses are the same text (other fields may grow with the model)
        assertThat(JSON.readTree(StateStore.encode(read)).get("addresses")).isEqualTo(JSON.readTree(STORED).get("addresses"));
    }

    @Test
    void itsRoutesStoredAsTextReadAsTypedValues() throws Exception {
        String stored = STORED.replace("}", ",\"routes\":[{\"destination\":\"10.99.0.0/16\",\"via\":\"10.4.0.1\"},"
                + "{\"destination\":\"fd00:99::/48\",\"via\":\"fd00:4::1\"}]}");
        state.txn().put(StateStore.ENDPOINTS + ID, stored.getBytes(StandardCharsets.UTF_8)).commit();

        Endpoint read = state.get(StateStore.ENDPOINTS, ID, Endpoint.class).orElseThrow();
        assertThat(read.routes()).containsExactly(EndpointRoute.of("10.99.0.0/16", "10.4.0.1"), EndpointRoute.of("fd00:99::/48", "fd00:4::1"));
        assertThat(read.routes().get(1).destination()).isEqualTo(IpPrefix.parse("fd00:99::/48"));
        assertThat(read.routes().get(1).gateway()).contains(IpAddress.parse("fd00:4::1"));
        assertThat(JSON.readTree(StateStore.encode(read)).get("routes")).isEqualTo(JSON.readTree(stored).get("routes"));
    }

    @Test
    void aStoredAddressThatIsNotOneFailsNamingTheRecord() {
        state.txn().put(StateStore.ENDPOINTS + ID, STORED.replace("10.4.0.2/24", "10.4.0.300/24").getBytes(StandardCharsets.UTF_8))
                .commit();
        assertThatThrownBy(() -> state.get(StateStore.ENDPOINTS, ID, Endpoint.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(StateStore.ENDPOINTS + ID)
                .hasStackTraceContaining("bad address \"10.4.0.300\": 300 is not an IPv4 octet (0-255)");
    }
}
