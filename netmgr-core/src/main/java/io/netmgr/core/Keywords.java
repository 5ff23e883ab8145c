package io.netmgr.core;

import java.util.Locale;
import java.util.Optional;

/** The lower-case words users write for a closed set of values (vip, dnsrr, ingress, host...). */
public final class Keywords {
    private Keywords() {
    }

    /** The word for {@code value}: its name in lower case. */
    public static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The value of {@code values} whose word is {@code text} (any case, surrounding blanks ignored), if any. */
    public static <E extends Enum<E>> Optional<E> find(E[] values, String text) {
        String word = text == null ? "" : text.trim();
        for (E v : values) {
            if (of(v).equalsIgnoreCase(word)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
