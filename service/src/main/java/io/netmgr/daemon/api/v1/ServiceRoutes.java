package io.netmgr.daemon.api.v1;

import static io.netmgr.daemon.JsonBodies.STRICT;
import static io.netmgr.daemon.JsonBodies.read;

import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.service.EndpointMode;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceBackend;
import io.netmgr.core.service.ServiceController;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.daemon.Blocking;
import io.netmgr.daemon.Event;
import io.netmgr.daemon.Events;
import io.netmgr.daemon.Replies;
import io.netmgr.daemon.task.ServiceTasks;
import io.netmgr.daemon.task.TaskCommand;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Services under {@code /v1/services}: create, list, inspect (with backends), remove, the
 * backends ({@code ps}), attach and detach a sandbox, publish and unpublish a port.
 */
public final class ServiceRoutes {
    private final ServiceController services;
    private final ServiceTasks tasks;
    private final Blocking blocking;
    private final Events events;

    public ServiceRoutes(ServiceController services, ServiceTasks tasks, Blocking blocking, Events events) {
        this.services = services;
        this.tasks = tasks;
        this.blocking = blocking;
        this.events = events;
    }

    /** A service as the API shows it: the stored service and its backends with their state. */
    public record View(String id, String name, String endpointMode, List<VipView> vips, List<ServicePort> ports,
            Map<String, String> labels, String created, List<BackendView> backends, Tasks tasks) {
    }

    /** The tasks netmgrd runs for the service ({@code --replicas N -- CMD}); null for a service without. */
    public record Tasks(int replicas, List<String> command) {
    }

    /** A virtual IP and the network it is on. */
    public record VipView(String networkId, String address) {
    }

    /** One backend, as {@code service ps} lists it. */
    public record BackendView(String sandbox, String sandboxId, String endpointId, String networkId, String address,
            String host, String state) {
    }

    public void mount(Router r) {
        r.get("/v1/services").handler(ctx -> blocking.reply(ctx, 200, () -> services.services().stream().map(this::view).toList()));
        r.post("/v1/services").handler(ctx -> blocking.reply(ctx, 201, () -> {
            var body = read(STRICT, ctx.body().asString(), Bodies.Create.class);
            return created(tasks.create(spec(body), taskRequest(body)));
        }));
        r.get("/v1/services/:ref").handler(ctx -> blocking.reply(ctx, 200, () -> view(services.service(ctx.pathParam("ref")))));
        r.delete("/v1/services/:ref").handler(ctx -> blocking.call(() -> {
            Service s = tasks.remove(ctx.pathParam("ref")); // its tasks first, when netmgrd runs them
            events.publish(Event.of("service", "removed", s.id(), s.name(), Map.of()));
            return s;
        }).onSuccess(x -> Replies.noContent(ctx)).onFailure(ctx::fail));
        r.get("/v1/services/:ref/backends").handler(ctx -> blocking.reply(ctx, 200,
                () -> backends(services.backends(ctx.pathParam("ref")))));
        r.post("/v1/services/:ref/attach").handler(ctx -> blocking.reply(ctx, 200, () -> backends(services.attach(ctx.pathParam("ref"),
                required("sandbox", read(STRICT, ctx.body().asString(), Bodies.Sandbox.class).sandbox())))));
        r.post("/v1/services/:ref/detach").handler(ctx -> blocking.reply(ctx, 200, () -> backends(services.detach(ctx.pathParam("ref"),
                required("sandbox", read(STRICT, ctx.body().asString(), Bodies.Sandbox.class).sandbox())))));
        r.post("/v1/services/:ref/publish").handler(ctx -> blocking.reply(ctx, 200, () -> {
            var body = read(STRICT, ctx.body().asString(), Bodies.Publish.class);
            PublishMode mode = body.mode() == null ? PublishMode.INGRESS : PublishMode.parse(body.mode());
            return view(services.publish(ctx.pathParam("ref"), ServicePort.parse(required("port", body.port()), mode)));
        }));
        r.post("/v1/services/:ref/unpublish").handler(ctx -> blocking.reply(ctx, 200, () -> view(services.unpublish(ctx.pathParam("ref"),
                ServicePort.parseKey(required("port", read(STRICT, ctx.body().asString(), Bodies.Unpublish.class).port()))))));
    }

    /** The request bodies; any other field is refused. */
    static final class Bodies {
        private Bodies() {
        }

        /**
         * {@code POST /v1/services}: {@code networks} by name or id; {@code vips} the address wanted
         * per network (any free one otherwise); {@code publish} as the CLI writes it.
         */
        record Create(String name, List<String> networks, Map<String, String> vips, List<String> publish, String endpointMode,
                Map<String, String> labels, Integer replicas, List<String> command) {
        }

        record Sandbox(String sandbox) {
        }

        record Publish(String port, String mode) {
        }

        record Unpublish(String port) {
        }
    }

    private View created(Service s) {
        events.publish(Event.of("service", "created", s.id(), s.name(), Map.of("endpointMode", s.endpointMode().keyword())));
        return view(s);
    }

    /**
     * {@code replicas} and {@code command}: the tasks netmgrd runs; a command alone runs one
     * task (docker's default), replicas without a command are refused.
     */
    private static Optional<ServiceTasks.TaskRequest> taskRequest(Bodies.Create body) {
        if (body.command() == null || body.command().isEmpty()) {
            if (body.replicas() != null) {
                throw new IllegalArgumentException("field \"replicas\" needs the tasks' program in \"command\" (the CLI: "
                        + "--replicas N -- COMMAND [ARG...])");
            }
            return Optional.empty();
        }
        return Optional.of(new ServiceTasks.TaskRequest(body.replicas() == null ? 1 : body.replicas(), new TaskCommand(body.command())));
    }

    private static ServiceSpec spec(Bodies.Create body) {
        List<String> networks = body.networks() == null ? List.of() : body.networks();
        Map<String, String> vips = body.vips() == null ? Map.of() : body.vips();
        for (String n : vips.keySet()) {
            if (!networks.contains(n)) {
                throw new IllegalArgumentException("field \"vips\" names network " + n + ", which is not in \"networks\" "
                        + networks + "; give a VIP only for a network of the service");
            }
        }
        List<ServiceSpec.Attachment> attachments = networks.stream()
                .map(n -> new ServiceSpec.Attachment(n, Optional.ofNullable(vips.get(n)))).toList();
        List<ServicePort> ports = new ArrayList<>();
        for (String p : body.publish() == null ? List.<String>of() : body.publish()) {
            ports.add(ServicePort.parse(p, PublishMode.INGRESS));
        }
        EndpointMode mode = body.endpointMode() == null ? EndpointMode.VIP : EndpointMode.parse(body.endpointMode());
        return new ServiceSpec(required("name", body.name()), attachments, ports, mode, body.labels());
    }

    private View view(Service s) {
        return new View(s.id(), s.name(), s.endpointMode().keyword(),
                s.vips().stream().map(v -> new VipView(v.networkId(), v.address().toString())).toList(), s.ports(), s.labels(),
                s.created(), backends(services.backends(s.id())),
                tasks.desired(s.id()).map(t -> new Tasks(t.replicas(), t.command().argv())).orElse(null));
    }

    private List<BackendView> backends(List<ServiceBackend> list) {
        var states = services.states(list);
        return list.stream().map(b -> new BackendView(b.sandboxName(), b.sandboxId(), b.endpointId(), b.networkId(),
                b.address().toString(), b.host(), states.apply(b))).toList();
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("field \"" + field + "\" is missing from the request body");
        }
        return value;
    }
}
