package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.engine.FirewallChoice;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetmgrdOptionsTest {

    @Test
    void readsEveryOptionInBothSpellings() {
        NetmgrdOptions o = NetmgrdOptions.parse("--socket", "/tmp/s.sock", "--state-dir=/tmp/state", "--config", "/tmp/c.json",
                "--firewall=iptables", "--tcp", "127.0.0.1:2375", "--tls-cert=c.pem", "--tls-key", "k.pem", "--tls-ca=ca.pem",
                "--host-netns", "nmhost");
        assertThat(o.action()).isEqualTo(NetmgrdOptions.Action.SERVE);
        assertThat(o.socket()).contains(Path.of("/tmp/s.sock"));
        assertThat(o.stateDir()).contains(Path.of("/tmp/state"));
        assertThat(o.configFile()).contains(Path.of("/tmp/c.json"));
        assertThat(o.firewall()).isEqualTo(FirewallChoice.IPTABLES);
        assertThat(o.tcp()).contains("127.0.0.1:2375");
        assertThat(o.tlsCert()).contains(Path.of("c.pem"));
        assertThat(o.tlsKey()).contains(Path.of("k.pem"));
        assertThat(o.tlsCa()).contains(Path.of("ca.pem"));
        assertThat(o.hostNetns()).contains("nmhost");
        assertThat(o.plainTcpAccepted()).isFalse();
    }

    @Test
    void dockerPluginTakesAPathOrServesOnDockersPluginDirectory() {
        assertThat(NetmgrdOptions.parse().dockerPlugin()).isEmpty();
        assertThat(NetmgrdOptions.parse("--docker-plugin").dockerPlugin()).contains(Path.of("/run/docker/plugins/netmgr.sock"));
        assertThat(NetmgrdOptions.parse("--docker-plugin", "--socket", "/tmp/s.sock").dockerPlugin())
                .contains(Path.of("/run/docker/plugins/netmgr.sock"));
        assertThat(NetmgrdOptions.parse("--docker-plugin", "/tmp/p/netmgr.sock").dockerPlugin()).contains(Path.of("/tmp/p/netmgr.sock"));
        assertThat(NetmgrdOptions.parse("--docker-plugin=/tmp/p/netmgr.sock").dockerPlugin()).contains(Path.of("/tmp/p/netmgr.sock"));
    }

    @Test
    void plainTcpIsAcceptedOnlyByTlsFalse() {
        assertThat(NetmgrdOptions.parse("--tcp", "127.0.0.1:2375", "--tls=false").plainTcpAccepted()).isTrue();
        assertThat(NetmgrdOptions.parse("--tls", "true").plainTcpAccepted()).isFalse();
        assertThatThrownBy(() -> NetmgrdOptions.parse("--tls=no")).isInstanceOf(NetmgrdOptions.UsageException.class)
                .hasMessage("Invalid value for option '--tls': 'no' (give true or false)");
    }

    @Test
    void dnsIsOnUnlessDnsFalseAndItsUpstreamsAreKeptAsGiven() {
        assertThat(NetmgrdOptions.parse().dns()).isTrue();
        assertThat(NetmgrdOptions.parse("--dns=false").dns()).isFalse();
        assertThat(NetmgrdOptions.parse("--dns-upstream", "127.0.0.1:5353").dnsUpstream()).contains("127.0.0.1:5353");
        assertThatThrownBy(() -> NetmgrdOptions.parse("--dns=off")).isInstanceOf(NetmgrdOptions.UsageException.class)
                .hasMessage("Invalid value for option '--dns': 'off' (give true or false)");
    }

    @Test
    void defaultsToServingWithNftablesAndNothingElseSet() {
        NetmgrdOptions o = NetmgrdOptions.parse();
        assertThat(o.action()).isEqualTo(NetmgrdOptions.Action.SERVE);
        assertThat(o.firewall()).isEqualTo(FirewallChoice.NFTABLES);
        assertThat(o.socket()).isEqualTo(Optional.empty());
        assertThat(o.tcp()).isEqualTo(Optional.empty());
        assertThat(o.hostNetns()).isEqualTo(Optional.empty());
    }

    @Test
    void theLastOfARepeatedOptionWins() {
        assertThat(NetmgrdOptions.parse("--socket", "/a", "--socket=/b").socket()).contains(Path.of("/b"));
    }

    @Test
    void helpAndVersionAreActionsAndHelpWins() {
        assertThat(NetmgrdOptions.parse("--version").action()).isEqualTo(NetmgrdOptions.Action.VERSION);
        assertThat(NetmgrdOptions.parse("-V").action()).isEqualTo(NetmgrdOptions.Action.VERSION);
        assertThat(NetmgrdOptions.parse("-h").action()).isEqualTo(NetmgrdOptions.Action.HELP);
        assertThat(NetmgrdOptions.parse("-V", "--help").action()).isEqualTo(NetmgrdOptions.Action.HELP);
        assertThat(NetmgrdOptions.parse("--help", "-V").action()).isEqualTo(NetmgrdOptions.Action.HELP);
    }

    @Test
    void refusesUnknownOptionsStrayArgumentsAndMissingValuesNamingThem() {
        assertThatThrownBy(() -> NetmgrdOptions.parse("--bogus")).isInstanceOf(NetmgrdOptions.UsageException.class)
                .hasMessage("Unknown option: '--bogus'");
        assertThatThrownBy(() -> NetmgrdOptions.parse("--bogus=1")).hasMessage("Unknown option: '--bogus=1'");
        assertThatThrownBy(() -> NetmgrdOptions.parse("serve")).hasMessageContaining("Unexpected argument: 'serve'");
        assertThatThrownBy(() -> NetmgrdOptions.parse("--socket")).hasMessage("Missing required parameter for option '--socket'");
        assertThatThrownBy(() -> NetmgrdOptions.parse("--firewall=ufw")).isInstanceOf(NetmgrdOptions.UsageException.class)
                .hasMessage("unknown firewall \"ufw\" in --firewall: choose nftables (the default), iptables or none");
        // an option name is never taken for the value of the one before it
        assertThatThrownBy(() -> NetmgrdOptions.parse("--socket", "--state-dir", "/x"))
                .hasMessage("Missing required parameter for option '--socket'");
    }

    @Test
    void theUsageTextNamesEveryPublicOption() {
        for (String option : new String[] {"--config", "--dns", "--dns-upstream", "--docker-plugin", "--firewall", "--help", "--socket",
                "--state-dir", "--tcp", "--tls", "--tls-ca",
                "--tls-cert", "--tls-key", "--version"}) {
            assertThat(NetmgrdOptions.USAGE).contains(option);
        }
        assertThat(NetmgrdOptions.USAGE).doesNotContain("--host-netns");
    }
}
