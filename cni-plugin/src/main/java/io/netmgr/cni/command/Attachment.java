package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One CNI attachment, a container's interface on a network, and the netmgr names it maps to:
 * a sandbox per container ({@code cni-<container>}) and an endpoint per attachment
 * ({@code cni-<container>-<ifName>}). The names are derived, not stored, so DEL and GC find
 * an attachment from the runtime's identifiers alone.
 */
public record Attachment(String containerId, String ifName) {
    private static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    private static final Pattern IF_NAME = Pattern.compile("[a-zA-Z0-9_.\\-]{1,15}");
    static final String PREFIX = "cni-";

    public Attachment {
        if (!CONTAINER_ID.matcher(containerId).matches()) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_CONTAINERID \"" + containerId
                    + "\" is not valid: use letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        if (!IF_NAME.matcher(ifName).matches() || ifName.equals(".") || ifName.equals("..")) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_IFNAME \"" + ifName
                    + "\" is not valid: use 1 to 15 letters, digits, '_', '.' or '-'");
        }
    }

    /** The sandbox of the container: shared by its attachments on every network. */
    public String sandboxName() {
        return PREFIX + shortContainer();
    }

    /** The endpoint of this attachment on its network. */
    public String endpointName() {
        return sandboxName() + "-" + ifName;
    }

    /**
     * The container ID as is when short (test and tool IDs), else its first 12 characters (what
     * a user sees in {@code docker ps}) plus a digest of the whole, so that two IDs sharing a
     * prefix still map to different names within netmgr's 64-character limit.
     */
    String shortContainer() {
        if (containerId.length() <= 24) {
            return containerId;
        }
        return containerId.substring(0, 12) + "." + digest(containerId).substring(0, 11);
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
