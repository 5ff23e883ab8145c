package io.netmgr.netlink.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** A 48-bit Ethernet address. */
public record MacAddress(long bits) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public MacAddress {
        if ((bits >>> 48) != 0) {
            throw new IllegalArgumentException("MAC address has more than 48 bits: " + Long.toHexString(bits));
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes). */
    public static MacAddress parse(String text) {
        // -1 keeps trailing empty parts ("...:02:" is not six bytes); ASCII hex only, as
        // Character.digit and Integer.parseInt also take other scripts' digits.
        String[] parts = text.trim().split("[:-]", -1);
        if (parts.length != 6 || !Arrays.stream(parts).allMatch(p -> p.matches("[0-9a-fA-F]{2}"))) {
            throw new IllegalArgumentException("MAC address must be six hex bytes like 02:42:ac:11:00:02, got '" + text + "'");
        }
        long bits = 0;
        for (String p : parts) {
            bits = (bits << 8) | Integer.parseInt(p, 16);
        }
        return new MacAddress(bits);
    }

    public static MacAddress of(byte[] b) {
        if (b.length != 6) {
            throw new IllegalArgumentException("MAC address needs 6 bytes, got " + b.length);
        }
        long bits = 0;
        for (byte x : b) {
            bits = (bits << 8) | (x & 0xff);
        }
        return new MacAddress(bits);
    }

    /** A random unicast, locally administered address (as the kernel makes for veth). */
    public static MacAddress randomLocal() {
        return local(RANDOM.nextLong());
    }

    /**
     * A unicast, locally administered address that {@code name} alone decides (its SHA-256): the
     * same every time, so a device made again under it keeps what others programmed for it.
     */
    public static MacAddress derivedLocal(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return local(ByteBuffer.wrap(digest).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static MacAddress local(long random) {
        long bits = random & 0xffff_ffff_ffffL;
        bits = (bits & ~(0x01L << 40)) | (0x02L << 40);
        return new MacAddress(bits);
    }

    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes());
    }
}
