package io.netmgr.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.store.StoreException;
import io.netty.handler.codec.DecoderException;
import io.vertx.ext.web.handler.HttpException;

/**
 * An HTTP error as both APIs answer it, {@code {"message": ...}} with a status: 4xx for the
 * caller's mistakes (400 invalid, 403 forbidden, 404 not found, 409 conflict, 413 too large),
 * 500 for ours, 503 while the store cannot take changes.
 */
public record HttpError(int status, String message) {

    /** One line, always: a value the caller sent with a line break in it is shown escaped. */
    public HttpError {
        message = message == null ? "" : message.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** The status and message for a failure of a request handler. */
    public static HttpError of(Throwable failure, int statusIfNone) {
        if (failure == null) {
            return ofStatus(statusIfNone);
        }
        if (failure instanceof NetmgrException e) {
            return new HttpError(status(e.kind()), e.getMessage());
        }
        if (failure instanceof IpamException e) {
            return new HttpError(status(e.reason()), e.getMessage());
        }
        if (failure instanceof FirewallException e) {
            return new HttpError(switch (e.reason()) {
                case PORT_ALREADY_PUBLISHED -> 409;
                case BACKEND_FAILED -> 500;
                default -> 400;
            }, e.getMessage());
        }
        if (failure instanceof StoreException.Unavailable e) {
            return new HttpError(503, e.getMessage()); // the cluster store's members are down or have no quorum
        }
        if (failure instanceof StoreException.ReadOnly e) {
            return new HttpError(503, e.getMessage()); // ours, and passing: it works again once the files are writable
        }
        if (failure instanceof JsonProcessingException e) {
            return new HttpError(400, JsonBodies.describe(e));
        }
        if (failure instanceof IllegalArgumentException) {
            return new HttpError(400, failure.getMessage());
        }
        if (failure instanceof HttpException e) {
            return e.getPayload() != null ? new HttpError(e.getStatusCode(), e.getPayload()) : ofStatus(e.getStatusCode());
        }
        if (failure instanceof DecoderException) {
            // a body sent as a form (curl -d's default type) that the form decoder could not take
            return new HttpError(400, "request body cannot be read as a form; send JSON with Content-Type: application/json");
        }
        // the class and stack go to netmgrd's log; the caller gets what happened, in one line
        String message = failure.getMessage() == null ? "no detail" : failure.getMessage().lines().findFirst().orElse("");
        return new HttpError(500, "internal error: " + message + " (netmgrd's log has the details)");
    }

    /** The message for a bare status, such as one Vert.x produced before any handler ran. */
    public static HttpError ofStatus(int status) {
        return new HttpError(status, switch (status) {
            case 404 -> "page not found";
            case 405 -> "method not allowed on this path";
            case 413 -> "request body too large: the limit is " + JsonBodies.MAX_BYTES + " bytes";
            case 400 -> "bad request";
            default -> "request failed with status " + status;
        });
    }

    static int status(NetmgrException.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case FORBIDDEN -> 403;
        };
    }

    static int status(IpamException.Reason reason) {
        return switch (reason) {
            // Docker answers an overlapping or unavailable pool with 403 Forbidden
            case POOL_OVERLAP, NO_DEFAULT_POOL_LEFT, NOT_OWNER -> 403;
            case ADDRESS_IN_USE, POOL_EXHAUSTED, POOL_IN_USE -> 409;
            case UNKNOWN_POOL -> 404;
            default -> 400;
        };
    }
}
