package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.nat.Firewalls;
import org.junit.jupiter.api.Test;

class FirewallChoiceTest {

    @Test
    void readsTheThreeChoicesInAnyCaseAndSpacing() {
        assertThat(FirewallChoice.parse("f", "nftables")).isEqualTo(FirewallChoice.NFTABLES);
        assertThat(FirewallChoice.parse("f", " NFT ")).isEqualTo(FirewallChoice.NFTABLES);
        assertThat(FirewallChoice.parse("f", "IPTables")).isEqualTo(FirewallChoice.IPTABLES);
        assertThat(FirewallChoice.parse("f", "none")).isEqualTo(FirewallChoice.NONE);
    }

    @Test
    void noneOpensNoBackend() {
        assertThat(FirewallChoice.NFTABLES.backend()).contains(Firewalls.Backend.NFTABLES);
        assertThat(FirewallChoice.IPTABLES.backend()).contains(Firewalls.Backend.IPTABLES);
        assertThat(FirewallChoice.NONE.backend()).isEmpty();
    }

    @Test
    void anUnknownValueIsRefusedNamingTheFieldTheValueAndTheChoices() {
        assertThatThrownBy(() -> FirewallChoice.parse("--firewall", "ufw")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown firewall \"ufw\" in --firewall: choose nftables (the default), iptables or none");
        assertThatThrownBy(() -> FirewallChoice.parse("--firewall", "")).hasMessageContaining("\"\" in --firewall");
    }

    @Test
    void theDefaultConfigurationRunsNftables() {
        assertThat(EngineConfig.defaults().firewall()).isEqualTo(FirewallChoice.NFTABLES);
    }
}
