package io.netmgr.cni;

import io.netmgr.cni.command.AddCommand;
import io.netmgr.cni.command.Attachment;
import io.netmgr.cni.command.CheckCommand;
import io.netmgr.cni.command.DelCommand;
import io.netmgr.cni.command.GcCommand;
import io.netmgr.cni.command.StatusCommand;
import io.netmgr.cni.config.NetConf;
import io.netmgr.cni.config.RequestedAddresses;
import io.netmgr.cni.config.ServiceMembership;
import io.netmgr.cni.result.CniResult;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.store.StoreException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One CNI invocation, start to end: checks the environment and configuration, runs the
 * command against netmgr and renders the answer (a result, nothing, or an error object) in
 * the configuration's spec version. The plugin binary runs it in-process; netmgrd mounts it
 * as {@code POST /v1/cni}. Bad input is refused before netmgr is opened, so it changes nothing.
 */
public final class CniHandler {
    private final NetmgrAccess netmgr;

    public CniHandler(NetmgrAccess netmgr) {
        this.netmgr = netmgr;
    }

    public CniResponse handle(CniRequest request) {
        String version = versionForErrors(request.stdin());
        try {
            CniCommand command = CniCommand.parse(request.command()).orElseThrow(() -> new CniError(CniError.INVALID_ENVIRONMENT,
                    "CNI_COMMAND \"" + request.command() + "\" is not one of ADD, DEL, CHECK, STATUS, GC, VERSION"));
            if (command == CniCommand.VERSION) {
                return CniResponse.ok(versionInfo(version));
            }
            NetConf conf = NetConf.parse(request.stdin());
            version = conf.cniVersion();
            checkCommandExists(command, version);
            return run(command, conf, request);
        } catch (CniError e) {
            return CniResponse.failed(e, version);
        } catch (RuntimeException e) {
            return CniResponse.failed(translate(e), version);
        }
    }

    private CniResponse run(CniCommand command, NetConf conf, CniRequest request) {
        Optional<Attachment> attachment = command.perAttachment() ? Optional.of(attachment(request)) : Optional.empty();
        switch (command) {
            case ADD -> {
                Path netns = netns(request);
                AddCommand.checkNamespace(netns);
                RequestedAddresses requested = RequestedAddresses.of(conf, request);
                Optional<String> service = ServiceMembership.of(conf, request);
                CniResult result = netmgr.call(conf, request, c -> AddCommand.run(c, conf, attachment.get(), netns, requested, service,
                        netmgr.resolverAnswers()));
                CniResult full = conf.prevResult().map(result::after).orElse(result);
                return CniResponse.ok(Json.write(full.toJson(conf.cniVersion())));
            }
            case DEL -> netmgr.call(conf, request, c -> {
                DelCommand.run(c, conf, attachment.get());
                return null;
            });
            case CHECK -> {
                Path netns = netns(request);
                netmgr.inspect(conf, request, (c, firewall) -> {
                    CheckCommand.run(c, firewall, conf, attachment.get(), netns);
                    return null;
                });
            }
            case GC -> netmgr.call(conf, request, c -> GcCommand.run(c, conf));
            case STATUS -> {
                try {
                    netmgr.call(conf, request, c -> {
                        StatusCommand.run(c, conf);
                        return null;
                    });
                } catch (CniError e) {
                    throw e.code() == CniError.NOT_AVAILABLE ? e : unavailable(e);
                } catch (RuntimeException e) {
                    throw unavailable(e);
                }
            }
            default -> throw new IllegalStateException("unhandled " + command);
        }
        return CniResponse.ok("");
    }

    private static Attachment attachment(CniRequest r) {
        String id = r.containerId().orElseThrow(() -> missing("CNI_CONTAINERID"));
        String ifName = r.ifName().orElseThrow(() -> missing("CNI_IFNAME"));
        return new Attachment(id, ifName);
    }

    private static Path netns(CniRequest r) {
        return Path.of(r.netns().orElseThrow(() -> missing("CNI_NETNS")));
    }

    private static CniError missing(String variable) {
        return new CniError(CniError.INVALID_ENVIRONMENT, variable + " is not set; a runtime must set it for this command");
    }

    private static void checkCommandExists(CniCommand command, String version) {
        boolean exists = switch (command) {
            case STATUS, GC -> CniVersion.hasStatusAndGc(version);
            case CHECK -> CniVersion.hasCheck(version);
            default -> true;
        };
        if (!exists) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, command + " does not exist in CNI " + version
                    + "; use cniVersion " + (command == CniCommand.CHECK ? "0.4.0" : "1.1.0") + " or later");
        }
    }

    private static String versionInfo(String requested) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cniVersion", requested);
        m.put("supportedVersions", CniVersion.SUPPORTED);
        return Json.write(m);
    }

    /** The configuration's cniVersion when it is one we speak, so even an error reads in it; else the latest. */
    public static String versionForErrors(String stdin) {
        try {
            Object v = Json.parseObject(stdin).get("cniVersion");
            return v instanceof String s && CniVersion.isSupported(s) ? s : CniVersion.LATEST;
        } catch (IllegalArgumentException e) {
            return CniVersion.LATEST;
        }
    }

    private static CniError unavailable(RuntimeException e) {
        CniError inner = e instanceof CniError c ? c : translate(e);
        return new CniError(CniError.NOT_AVAILABLE, "netmgr is not available: " + inner.getMessage(), inner.details());
    }

    /** netmgr's own failures in the spec's terms. */
    static CniError translate(RuntimeException e) {
        if (e instanceof NetmgrException n) {
            return switch (n.kind()) {
                case INVALID -> new CniError(CniError.INVALID_NETWORK_CONFIG, n.getMessage());
                case NOT_FOUND -> new CniError(CniError.UNKNOWN_CONTAINER, n.getMessage());
                case CONFLICT, FORBIDDEN -> new CniError(CniError.CONFLICT, n.getMessage());
            };
        }
        if (e instanceof IpamException i) {
            return switch (i.reason()) {
                // the configuration asks for what cannot be: a gateway or range outside its subnet...
                case SUBNET_TOO_SMALL, RANGE_OUTSIDE_SUBNET, GATEWAY_OUTSIDE_SUBNET, AUXILIARY_OUTSIDE_SUBNET, RESERVED_ADDRESS,
                     ADDRESS_OUTSIDE_POOL -> new CniError(CniError.INVALID_NETWORK_CONFIG, i.getMessage());
                // ...or what is taken now
                default -> new CniError(CniError.CONFLICT, i.getMessage());
            };
        }
        if (e instanceof FirewallException f) {
            return switch (f.reason()) {
                case PORT_ALREADY_PUBLISHED -> new CniError(CniError.CONFLICT, f.getMessage());
                case BACKEND_FAILED -> new CniError(CniError.INTERNAL, "firewall: " + f.getMessage());
                default -> new CniError(CniError.INVALID_NETWORK_CONFIG, f.getMessage());
            };
        }
        if (e instanceof StoreException) {
            return new CniError(CniError.IO_FAILURE, "netmgr store: " + e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return new CniError(CniError.INVALID_NETWORK_CONFIG, e.getMessage());
        }
        // the caller gets what failed, not which Java class said it
        return new CniError(CniError.INTERNAL, e.getMessage() == null ? "internal error" : e.getMessage());
    }
}
