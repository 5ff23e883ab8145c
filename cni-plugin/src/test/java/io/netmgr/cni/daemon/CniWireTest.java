package io.netmgr.cni.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.cni.CniError;
import io.netmgr.cni.CniRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shape in which the plugin (bin/netmgr-cni, a C program) hands a call to netmgrd, as the daemon reads it. */
class CniWireTest {

    @Test
    void variablesTravelAsHeaderValuesWithoutLineBreaksAndComeBackWhole() {
        // as the plugin encodes them: every byte outside printable ASCII, and '%', as %XX
        List<String> headers = List.of("CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=\"a b\"", "CNI_COMMAND=ADD",
                "CNI_NETNS=/run/netns/caf%C3%A9 50%25", "NETMGR_STATE_DIR=/tmp/x%0Ay");
        CniRequest call = new CniRequest(Map.of("CNI_COMMAND", "ADD", "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=\"a b\"",
                "CNI_NETNS", "/run/netns/caf\u00e9 50%", "NETMGR_STATE_DIR", "/tmp/x\ny"), "{\"name\":\"n\"}");
        assertThat(CniWire.request(headers, call.stdin())).isEqualTo(call);
    }

    @Test
    void whatTheLauncherSendsRawIsTakenAsIs() {
        // the launcher escapes only '%'; UTF-8 arrives as ISO-8859-1 characters, one per byte
        String rawUtf8 = new String("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(CniWire.request(List.of("CNI_NETNS=/run/netns/" + rawUtf8), "").env())
                .containsEntry("CNI_NETNS", "/run/netns/caf\u00e9");
    }

    @Test
    void onlyCniAndNetmgrVariablesAreKept() {
        assertThat(CniWire.request(List.of("PATH=/bin", "CNI_IFNAME=eth0"), "").env()).containsOnlyKeys("CNI_IFNAME");
    }

    @Test
    void malformedHeadersAreRefusedByName() {
        assertThatThrownBy(() -> CniWire.request(List.of("CNI_IFNAME"), "")).hasMessageContaining("CNI_IFNAME")
                .hasMessageContaining("NAME=VALUE");
        assertThatThrownBy(() -> CniWire.request(List.of("CNI_IFNAME=eth%4"), "")).hasMessageContaining("percent");
    }

    @Test
    void theDaemonSocketComesFromTheConfigurationOrTheDefault() {
        assertThat(CniWire.daemonSocket("{\"daemonSocket\":\"\"}")).isEmpty();
        assertThat(CniWire.daemonSocket("{\"daemonSocket\":\"/tmp/d.sock\"}").orElseThrow()).hasToString("/tmp/d.sock");
        assertThat(CniWire.daemonSocket("{}").orElseThrow()).hasToString(CniWire.DEFAULT_SOCKET);
        assertThat(CniWire.daemonSocket("{not json").orElseThrow()).hasToString(CniWire.DEFAULT_SOCKET);
    }

    @Test
    void aConfigurationThatIsNotUtf8IsRefusedNotRepaired() {
        byte[] bytes = "{\"name\":\"a\u00ff\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CniWire.configuration(bytes))
                .isInstanceOfSatisfying(CniError.class, e -> org.assertj.core.api.Assertions.assertThat(e.code())
                        .isEqualTo(CniError.DECODING_FAILURE))
                .hasMessage("network configuration is not valid UTF-8");
        org.assertj.core.api.Assertions.assertThat(CniWire.configuration("{\"name\":\"\u00e9\"}".getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).isEqualTo("{\"name\":\"\u00e9\"}");
    }
}
