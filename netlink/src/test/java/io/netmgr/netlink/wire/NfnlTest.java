package io.netmgr.netlink.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** nfnetlink requests as linux/netfilter/nfnetlink.h lays them out: subsystem in the type's high byte, then nfgenmsg. */
class NfnlTest {

    @Test
    void anNftablesGetgenIsSubsystemTenMessageSixteenWithAnUnspecNfgenmsg() {
        byte[] b = Nfnl.request(Nfnl.SUBSYS_NFTABLES, 16, 0, 0).toBytes(7);
        // length 20, type 0x0a10 and flags in host order (little endian here), seq 7, port 0; nfgenmsg: AF_UNSPEC, v0, res_id 0
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("14000000" + "100a" + "0000" + "07000000" + "00000000" + "00000000");
    }

    @Test
    void aConntrackDumpCarriesItsFamilyInTheNfgenmsg() {
        byte[] b = Nfnl.request(Nfnl.SUBSYS_CTNETLINK, 1, Nl.F_DUMP, 10).toBytes(1);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("14000000" + "0101" + "0003" + "01000000" + "00000000" + "0a000000");
        assertThat(Nfnl.type(Nfnl.SUBSYS_CTNETLINK, 2)).isEqualTo(0x0102);
    }
}
