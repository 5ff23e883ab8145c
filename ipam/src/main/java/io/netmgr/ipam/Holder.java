package io.netmgr.ipam;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Who holds an address of a pool: the value of the address's key in the store. */
sealed interface Holder {

    /** The key's value: {@code endpoint:<id>}, {@code gateway} or {@code aux:<name>}. */
    String encode();

    /** How an error names the holder: "endpoint X", "the gateway", "auxiliary address db". */
    String describe();

    /** An endpoint (or a CNI container's interface), by the owner id of its address request. */
    record Endpoint(String id) implements Holder {
        @Override
        public String encode() {
            return "endpoint:" + id;
        }

        @Override
        public String describe() {
            return "endpoint " + id;
        }
    }

    /** The pool's gateway, reserved with the pool. */
    record Gateway() implements Holder {
        @Override
        public String encode() {
            return "gateway";
        }

        @Override
        public String describe() {
            return "the gateway";
        }
    }

    /** A named auxiliary address (Docker's --aux-address), reserved with the pool. */
    record Auxiliary(String name) implements Holder {
        @Override
        public String encode() {
            return "aux:" + name;
        }

        @Override
        public String describe() {
            return "auxiliary address " + name;
        }
    }

    default byte[] bytes() {
        return encode().getBytes(UTF_8);
    }

    static Holder decode(String key, byte[] value) {
        String text = new String(value, UTF_8);
        if (text.startsWith("endpoint:")) {
            return new Endpoint(text.substring("endpoint:".length()));
        }
        if (text.startsWith("aux:")) {
            return new Auxiliary(text.substring("aux:".length()));
        }
        if (text.equals("gateway")) {
            return new Gateway();
        }
        throw new IllegalStateException("the store key " + key + " holds \"" + text
                + "\", which is no address holder (endpoint:<id>, gateway, aux:<name>); was it written by another program?");
    }
}
