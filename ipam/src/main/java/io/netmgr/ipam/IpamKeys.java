package io.netmgr.ipam;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;

/**
 * Where {@link DefaultIpam} keeps its state in the store:
 * <pre>
 * /netmgr/ipam/pools/&lt;pool&gt;            the pool: owner, subnet, ip range, gateway, auxiliary addresses (JSON)
 * /netmgr/ipam/pool-set                  rewritten whenever a pool comes or goes: the guard that keeps two
 *                                        processes from granting overlapping pools at the same time
 * /netmgr/ipam/addr/&lt;pool&gt;/&lt;address&gt;  who holds the address: endpoint:&lt;id&gt;, gateway or aux:&lt;name&gt;
 * /netmgr/ipam/last/&lt;pool&gt;             the last address handed out without a preference (empty: none yet)
 * </pre>
 * A pool's id is its subnet, as {@code 10.1.0.0-24} or {@code fd00:1::-64}: pools never overlap,
 * so the subnet names one. The addresses live apart from the pool records so that listing the
 * pools (on every pool request) never reads the addresses.
 *
 * <p>Address keys have a fixed width ({@code 010.001.000.005}, and all 8 groups of 4 hex digits
 * for IPv6), so key order is address order, and the key without its last octet (IPv4: 3 digits,
 * IPv6: 2 hex digits) is the prefix of an aligned block of 256 addresses: one prefix range reads
 * everything held in a block.
 */
final class IpamKeys {

    static final String ROOT = "/netmgr/ipam/";
    static final String POOLS = ROOT + "pools/";
    static final String POOL_SET = ROOT + "pool-set";
    /** Addresses per block: one byte of the address, which one range of the store reads. */
    static final int BLOCK = 256;

    private IpamKeys() {
    }

    static String poolId(IpPrefix subnet) {
        return subnet.network() + "-" + subnet.length();
    }

    static String pool(String poolId) {
        return POOLS + poolId;
    }

    static String addresses(String poolId) {
        return ROOT + "addr/" + poolId + "/";
    }

    static String address(String poolId, IpAddress address) {
        return addresses(poolId) + fixedWidth(address);
    }

    /** The prefix of every address key in the 256-address block holding {@code address}. */
    static String block(String poolId, IpAddress address) {
        String key = address(poolId, address);
        return key.substring(0, key.length() - (address.isV4() ? 3 : 2));
    }

    static String last(String poolId) {
        return ROOT + "last/" + poolId;
    }

    /** The position (0-255) in its block of the address an address key names. */
    static int indexInBlock(String addressKey, IpFamily family) {
        return family == IpFamily.V6 ? Integer.parseInt(addressKey.substring(addressKey.length() - 2), 16)
                : Integer.parseInt(addressKey.substring(addressKey.length() - 3));
    }

    /** The pool whose address {@code key} names, if it is an address key. */
    static java.util.Optional<String> poolOfAddress(String key) {
        String addresses = ROOT + "addr/";
        int end = key.indexOf('/', addresses.length());
        return key.startsWith(addresses) && end > 0 ? java.util.Optional.of(key.substring(addresses.length(), end))
                : java.util.Optional.empty();
    }

    /** The address an address key names. */
    static IpAddress addressOf(String addressKey) {
        String text = addressKey.substring(addressKey.lastIndexOf('/') + 1);
        if (text.indexOf(':') >= 0) {
            return IpAddress.parse(text);
        }
        int bits = 0;
        for (int i = 0; i < 4; i++) {
            bits = bits << 8 | Integer.parseInt(text.substring(4 * i, 4 * i + 3));
        }
        return IpAddress.v4(bits);
    }

    private static String fixedWidth(IpAddress address) {
        StringBuilder text = new StringBuilder(39);
        if (address.family() == IpFamily.V4) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                int octet = (int) (address.low() >>> shift) & 0xff;
                text.append((char) ('0' + octet / 100)).append((char) ('0' + octet / 10 % 10)).append((char) ('0' + octet % 10));
                if (shift > 0) {
                    text.append('.');
                }
            }
            return text.toString();
        }
        for (int group = 0; group < 8; group++) {
            long word = group < 4 ? address.high() : address.low();
            int value = (int) (word >>> (48 - 16 * (group % 4))) & 0xffff;
            for (int shift = 12; shift >= 0; shift -= 4) {
                text.append(Character.forDigit(value >>> shift & 0xf, 16));
            }
            if (group < 7) {
                text.append(':');
            }
        }
        return text.toString();
    }
}
