package io.netmgr.cni;

import java.util.Optional;

/** The operations a runtime asks of a plugin through {@code CNI_COMMAND}. */
public enum CniCommand {
    ADD, DEL, CHECK, STATUS, GC, VERSION;

    /** The command named {@code text} (as in the environment), empty for anything else. */
    public static Optional<CniCommand> parse(String text) {
        for (CniCommand c : values()) {
            if (c.name().equals(text)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Whether the command acts on one attachment and so needs CNI_CONTAINERID and CNI_IFNAME. */
    public boolean perAttachment() {
        return this == ADD || this == DEL || this == CHECK;
    }
}
