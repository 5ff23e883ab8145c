package io.netmgr.nat.nft;

import jnr.ffi.Pointer;

/**
 * The part of libnftables ({@code libnftables.so.1}, Debian's libnftables1) netmgr uses: one
 * context, buffered output and errors, and a whole script per call, which the library sends to
 * the kernel as one transaction.
 */
public interface LibNftables {
    int NFT_CTX_DEFAULT = 0;
    int NFT_CTX_OUTPUT_JSON = 1 << 4;
    /** Listings leave out set elements. */
    int NFT_CTX_OUTPUT_TERSE = 1 << 11;

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    int nft_ctx_output_get_flags(Pointer ctx);

    void nft_ctx_output_set_flags(Pointer ctx, int flags);

    int nft_run_cmd_from_buffer(Pointer ctx, String buffer);
}
