package io.netmgr.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Object IDs as Docker makes them: 64 random hex digits, shown shortened to 12. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }

    /** Whether {@code text} is a whole ID: 64 lower-case hex digits. */
    public static boolean isFullId(String text) {
        return text.length() == 64 && looksLikeIdPrefix(text);
    }

    /** Whether {@code text} could be an ID or an ID prefix (lower-case hex). */
    public static boolean looksLikeIdPrefix(String text) {
        return !text.isEmpty() && text.length() <= 64 && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
