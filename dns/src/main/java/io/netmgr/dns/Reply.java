package io.netmgr.dns;

/** What to do with one query: send an answer, forward it upstream, or drop it (not a query at all). */
public sealed interface Reply {

    /** An answer ready for the wire. */
    record Answer(byte[] wire) implements Reply {
    }

    /** A name the networks do not know: the host's resolvers answer it. */
    record Forward(byte[] query) implements Reply {
    }

    /** Nothing to answer: a response, or too short to carry an id. */
    record Drop() implements Reply {
    }
}
