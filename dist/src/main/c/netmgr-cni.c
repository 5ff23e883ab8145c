/*
 * netmgr-cni: netmgr's CNI plugin (spec 1.1.0) as a runtime execs it, with CNI_* in the
 * environment and the network configuration on stdin. It may be symlinked or copied into a CNI
 * plugin directory under any name ("netmgr" for "type": "netmgr"); a copy outside the
 * distribution finds it in NETMGR_HOME, /usr/lib/netmgr, /usr/local/lib/netmgr or /opt/netmgr.
 *
 * A runtime execs every plugin for each container twice or more (podman asks VERSION before ADD
 * and DEL), so this is the whole path of a call and starts no other process: VERSION is answered
 * here, and when netmgrd listens every other call is handed to it over its unix socket (the
 * Multus "thick plugin" pattern, nailgun's C client for a JVM server), in the shape of CniWire
 * (cni-plugin): POST /v1/cni, the configuration as the body, each CNI_* and NETMGR_* variable as
 * one "CNI-Env: NAME=VALUE" header, percent-encoded; the answer is 200 with the plugin's stdout as
 * the body and its exit code in CNI-Exit-Code. Any other status means the daemon did not run the
 * call. A C program linked statically, because its start is the cost of every call: it maps no
 * shared library and reads no locale file (figures: bench/README.md, issue 16).
 *
 * Otherwise (no daemon listening, the configuration's "daemonSocket": "" or a refusal by HTTP
 * status) the plugin runs in a JVM (bin/netmgr-java's launcher), in-process on the same store.
 *
 * libc only. Built by the dist module: cc -O2 -static (src/main/c/build.sh).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* The versions CniVersion.SUPPORTED lists, in its order; CniThroughDaemonIT compares the answers. */
static const char *const SUPPORTED[] = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};
#define LATEST "1.1.0"
#define DEFAULT_SOCKET "/run/netmgr/netmgr.sock" /* CniWire.DEFAULT_SOCKET */
#define MAX_DEPTH 400                            /* Json.MAX_DEPTH: deeper is not JSON netmgr reads */
#define ANSWER_SECONDS 600

extern char **environ;

/* A growable byte buffer: stdin, the request, the answer. */
struct buf {
    char *data;
    size_t len, cap;
};

static void put(struct buf *b, const char *bytes, size_t n);

/* ---- output: the spec's error object on stdout, where the runtime reads it ---- */

/* Appends s as a JSON string, quotes included. */
static void put_json_string(struct buf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(b, esc, 2);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(b, esc, 6);
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    put(b, "\"", 1);
}

static void put_str(struct buf *b, const char *s) { put(b, s, strlen(s)); }

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Appends {"cniVersion","code","msg","details"} as CniError.toJson writes it. */
static void put_error(struct buf *out, const char *version, int code, const char *msg, const char *details) {
    char number[16];
    put_str(out, "{\"cniVersion\":");
    put_json_string(out, version);
    snprintf(number, sizeof number, "%d", code);
    put_str(out, ",\"code\":");
    put_str(out, number);
    put_str(out, ",\"msg\":");
    put_json_string(out, msg);
    put_str(out, ",\"details\":");
    put_json_string(out, details);
    put_str(out, "}");
}

/* The spec's error object on stdout, then exit 1. */
static void fail(const char *version, int code, const char *msg, const char *details) {
    struct buf out = {0};
    put_error(&out, version, code, msg, details);
    write_all(1, out.data, out.len);
    _exit(1);
}

static void put(struct buf *b, const char *bytes, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) { /* a plugin call's configuration is kilobytes: no memory is the machine's state */
            static const char oom[] = "{\"cniVersion\":\"" LATEST "\",\"code\":5,\"msg\":\"netmgr-cni: out of memory\"}";
            write_all(1, oom, sizeof oom - 1);
            _exit(1);
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* ---- the configuration: two top-level strings, read as netmgr's Json reads them ---- */

/*
 * What this launcher needs from the configuration, with the JVM's meaning: cniVersion (errors
 * and VERSION answer in it when netmgr speaks it: CniHandler.versionForErrors) and daemonSocket
 * (CniWire.daemonSocket: a top-level string; "" turns the fast path off). The whole text is
 * checked as the JVM checks it, so a key inside a nested object or a malformed text never
 * decides where a call goes; the daemon checks the socket again and refuses (421) what it
 * would read otherwise.
 */
struct conf {
    int json;              /* the whole text is one JSON object */
    char *cni_version;     /* the last top-level "cniVersion" string, decoded, or NULL */
    char *daemon_socket;   /* the last top-level "daemonSocket" string, decoded, or NULL */
};

struct scanner {
    const char *p, *end;
    int depth;
};

static void skip_space(struct scanner *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits of a \u escape, or -1. */
static long hex4(struct scanner *s) {
    if (s->end - s->p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(s->p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    s->p += 4;
    return v;
}

static void put_utf8(struct buf *b, long cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3f)), u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3f)), u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    }
    put(b, u, n);
}

/* A string at s->p (its opening quote); decoded into out when out is not NULL. 0 when malformed. */
static int scan_string(struct scanner *s, struct buf *out) {
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p++;
        if (c == '"')
            return 1;
        if (c < 0x20)
            return 0;
        if (c != '\\') {
            if (out)
                put(out, (const char *)&c, 1);
            continue;
        }
        if (s->p >= s->end)
            return 0;
        char e = *s->p++;
        const char *plain = strchr("\"\\/", e);
        const char *named = strchr("bfnrt", e);
        if (e != '\0' && plain) {
            if (out)
                put(out, &e, 1);
        } else if (e != '\0' && named) {
            if (out)
                put(out, &"\b\f\n\r\t"[named - "bfnrt"], 1);
        } else if (e == 'u') {
            long cp = hex4(s);
            if (cp < 0)
                return 0;
            if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u') {
                s->p += 2; /* a surrogate pair is one character */
                long low = hex4(s);
                if (low < 0xdc00 || low >= 0xe000)
                    return 0;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            } else if (cp >= 0xd800 && cp < 0xe000) {
                return 0; /* a lone surrogate names no path: leave the text to the JVM's reading */
            }
            if (out)
                put_utf8(out, cp);
        } else {
            return 0;
        }
    }
    return 0;
}

static int scan_value(struct scanner *s);

/* At an object's or array's opening bracket: steps over it; 1 when the container ends at once. */
static int closes_at_once(struct scanner *s, char close) {
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 1;
    }
    return 0;
}

/* After a member of a container: 1 at its closing bracket, 0 before the next member, -1 malformed. */
static int after_member(struct scanner *s, char close) {
    skip_space(s);
    if (s->p >= s->end)
        return -1;
    char c = *s->p++;
    return c == close ? 1 : c == ',' ? 0 : -1;
}

/* An object at s->p; at the top level (conf not NULL) it keeps the two strings netmgr-cni reads. */
static int scan_object(struct scanner *s, struct conf *conf) {
    if (closes_at_once(s, '}'))
        return 1;
    for (;;) {
        skip_space(s);
        if (s->p >= s->end || *s->p != '"')
            return 0;
        struct buf key = {0};
        if (!scan_string(s, &key))
            return 0;
        skip_space(s);
        if (s->p >= s->end || *s->p++ != ':')
            return 0;
        skip_space(s);
        char **wanted = NULL;
        if (conf && key.data && strcmp(key.data, "cniVersion") == 0 && key.len == strlen("cniVersion"))
            wanted = &conf->cni_version;
        else if (conf && key.data && strcmp(key.data, "daemonSocket") == 0 && key.len == strlen("daemonSocket"))
            wanted = &conf->daemon_socket;
        free(key.data);
        if (wanted) { /* a later key wins, as in the JVM's map; a value of another kind clears it */
            free(*wanted);
            *wanted = NULL;
        }
        if (wanted && s->p < s->end && *s->p == '"') {
            struct buf value = {0};
            if (!scan_string(s, &value))
                return 0;
            put(&value, "", 0); /* "" still gets its terminating NUL */
            /* a NUL inside the string names no file: leave it unread */
            *wanted = strlen(value.data) == value.len ? value.data : (free(value.data), NULL);
        } else if (!scan_value(s)) {
            return 0;
        }
        int end = after_member(s, '}');
        if (end)
            return end > 0;
    }
}

static int scan_array(struct scanner *s) {
    if (closes_at_once(s, ']'))
        return 1;
    for (;;) {
        skip_space(s);
        if (!scan_value(s))
            return 0;
        int end = after_member(s, ']');
        if (end)
            return end > 0;
    }
}

static int scan_literal(struct scanner *s, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return 0;
    s->p += n;
    return 1;
}

static int scan_value(struct scanner *s) {
    if (s->p >= s->end)
        return 0;
    switch (*s->p) {
    case '{':
    case '[': {
        if (++s->depth > MAX_DEPTH)
            return 0;
        int ok = *s->p == '{' ? scan_object(s, NULL) : scan_array(s);
        s->depth--;
        return ok;
    }
    case '"':
        return scan_string(s, NULL);
    case 't':
        return scan_literal(s, "true");
    case 'f':
        return scan_literal(s, "false");
    case 'n':
        return scan_literal(s, "null");
    default: { /* a number: the characters the JVM's reading takes, at least one digit */
        int digits = 0;
        if (*s->p == '-')
            s->p++;
        for (; s->p < s->end && *s->p != '\0' && strchr("0123456789.eE+-", *s->p); s->p++)
            if (*s->p >= '0' && *s->p <= '9')
                digits++;
        return digits > 0;
    }
    }
}

static struct conf read_conf(const struct buf *text) {
    struct conf conf = {0};
    if (text->len == 0)
        return conf;
    struct scanner s = {text->data, text->data + text->len, 1};
    skip_space(&s);
    int ok = s.p < s.end && *s.p == '{' && scan_object(&s, &conf);
    skip_space(&s);
    conf.json = ok && s.p == s.end;
    if (!conf.json) { /* not JSON: nothing in it is read, as in the JVM */
        free(conf.cni_version);
        free(conf.daemon_socket);
        conf.cni_version = conf.daemon_socket = NULL;
    }
    return conf;
}

static int supported(const char *version) {
    for (size_t i = 0; version && i < sizeof SUPPORTED / sizeof *SUPPORTED; i++)
        if (strcmp(version, SUPPORTED[i]) == 0)
            return 1;
    return 0;
}

/* Strict UTF-8, as the daemon decodes the configuration (CniWire.configuration). */
static int utf8(const struct buf *b) {
    const unsigned char *p = (const unsigned char *)b->data, *end = p + b->len;
    while (p < end) {
        unsigned char c = *p++;
        int more;
        long cp, min;
        if (c < 0x80)
            continue;
        else if ((c & 0xe0) == 0xc0)
            more = 1, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            more = 2, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            more = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (end - p < more)
            return 0;
        for (int i = 0; i < more; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
            return 0;
        p += more;
    }
    return 1;
}

/* ---- VERSION ---- */

/*
 * VERSION is answered here as CniHandler answers it: the configuration's cniVersion when netmgr
 * speaks it, else the latest, and the versions it speaks. A configuration that is not UTF-8 goes
 * the way of every other call, where the handler refuses it (code 6).
 */
static void answer_version(const struct buf *stdin_text, const struct conf *conf) {
    if (!utf8(stdin_text))
        return;
    struct buf out = {0};
    put_str(&out, "{\"cniVersion\":\"");
    put_str(&out, supported(conf->cni_version) ? conf->cni_version : LATEST);
    put_str(&out, "\",\"supportedVersions\":[");
    for (size_t i = 0; i < sizeof SUPPORTED / sizeof *SUPPORTED; i++) {
        put_str(&out, i ? ",\"" : "\"");
        put_str(&out, SUPPORTED[i]);
        put_str(&out, "\"");
    }
    put_str(&out, "]}");
    write_all(1, out.data, out.len);
    exit(0);
}

/* ---- the hand-over to netmgrd ---- */

static const char *error_version; /* the version errors are written in */
static char timeout_answer[8192]; /* written by the alarm's handler, which may not allocate */
static size_t timeout_answer_len;

/* The request as CniWire.request reads it: each CNI_* and NETMGR_* variable one header, its value percent-encoded. */
static void build_request(struct buf *request, const struct buf *conf_text) {
    static const char hex[] = "0123456789ABCDEF";
    struct buf headers = {0};
    for (char **e = environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || (strncmp(*e, "CNI_", 4) != 0 && strncmp(*e, "NETMGR_", 7) != 0))
            continue;
        put_str(&headers, "CNI-Env: ");
        put(&headers, *e, (size_t)(eq - *e) + 1);
        for (const unsigned char *v = (const unsigned char *)eq + 1; *v; v++) {
            if (*v >= 0x20 && *v < 0x7f && *v != '%') {
                put(&headers, (const char *)v, 1);
            } else {
                char esc[3] = {'%', hex[*v >> 4], hex[*v & 15]};
                put(&headers, esc, 3);
            }
        }
        put_str(&headers, "\r\n");
    }

    char length[32];
    snprintf(length, sizeof length, "%zu", conf_text->len + 1);
    put_str(request, "POST /v1/cni HTTP/1.1\r\nHost: netmgrd\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: ");
    put_str(request, length);
    put_str(request, "\r\n");
    if (headers.len)
        put(request, headers.data, headers.len);
    put_str(request, "\r\n");
    if (conf_text->len)
        put(request, conf_text->data, conf_text->len);
    put_str(request, "\n");
    free(headers.data);
}

/* A caller who may not open the socket (a rootless runtime): in-process would fail too, later and less clearly. */
static void permission_denied(const char *socket_path) {
    struct buf msg = {0};
    put_str(&msg, "permission denied: netmgr-cni cannot open netmgrd's socket ");
    put_str(&msg, socket_path);
    fail(error_version, 5, msg.data, "run the plugin as root, as container runtimes do, or as a member of the socket's group");
}

/* The error object of a call that reached the daemon but got no answer to trust: it may or may not have run. */
static void no_answer_text(struct buf *out, const char *socket_path, const char *what) {
    struct buf msg = {0};
    put_str(&msg, "netmgrd at ");
    put_str(&msg, socket_path);
    put_str(&msg, " gave no usable answer (");
    put_str(&msg, what);
    put_str(&msg, ")");
    put_error(out, error_version, 11, msg.data, "the call may or may not have run; try again");
    free(msg.data);
}

static void no_answer(const char *socket_path, const char *what) {
    struct buf out = {0};
    no_answer_text(&out, socket_path, what);
    write_all(1, out.data, out.len);
    _exit(1);
}

static void on_alarm(int sig) {
    (void)sig;
    write_all(1, timeout_answer, timeout_answer_len);
    _exit(1);
}

/* The value of header name (with its colon) in an answer's head, or NULL. */
static const char *header(const char *head, const char *name) {
    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n"))
        if (strncasecmp(line + 2, name, strlen(name)) == 0) {
            const char *v = line + 2 + strlen(name);
            while (*v == ' ')
                v++;
            return v;
        }
    return NULL;
}

/*
 * Hands the call to the daemon at socket_path and exits with its answer. Returns only when the
 * daemon did not run the call: nothing listens there, or an HTTP refusal (another daemon's
 * configuration, a daemon without the route).
 */
static void hand_to_daemon(const char *socket_path, const struct buf *conf_text) {
    struct stat st;
    if (stat(socket_path, &st) != 0) {
        if (errno == EACCES) /* a directory on the way this user may not search */
            permission_denied(socket_path);
        return;
    }
    if (!S_ISSOCK(st.st_mode))
        return;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof addr.sun_path) {
        fprintf(stderr, "netmgr-cni: the socket path %s is longer than a unix socket address takes, running in-process\n",
                socket_path);
        return;
    }
    strcpy(addr.sun_path, socket_path);
    struct buf timeout = {0};
    no_answer_text(&timeout, socket_path, "none within 600 s");
    timeout_answer_len = timeout.len < sizeof timeout_answer ? timeout.len : sizeof timeout_answer;
    memcpy(timeout_answer, timeout.data, timeout_answer_len);
    free(timeout.data);
    signal(SIGALRM, on_alarm);
    alarm(ANSWER_SECONDS); /* a connect waits too while the daemon's backlog is full */

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        alarm(0);
        return;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (errno == EACCES)
            permission_denied(socket_path);
        fprintf(stderr, "netmgr-cni: no daemon listens at %s (%s), running in-process\n", socket_path, strerror(errno));
        close(fd);
        alarm(0);
        return;
    }

    struct buf request = {0};
    build_request(&request, conf_text);
    size_t sent = 0;
    while (sent < request.len) {
        ssize_t n = write(fd, request.data + sent, request.len - sent);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* a daemon that hangs up early may still have answered: read it */
        sent += (size_t)n;
    }
    /* A daemon only runs a request it has read whole, and it drops one half-closed by its
     * client before answering: so no shutdown, and the answer ends when the daemon closes. */
    struct buf answer = {0};
    char chunk[65536];
    int read_error = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            read_error = errno;
        if (n <= 0)
            break;
        put(&answer, chunk, (size_t)n);
    }
    alarm(0);
    close(fd);
    if (answer.len == 0 && sent < request.len)
        return; /* refused before the request was whole: not run */

    /* the head (status line and headers) and the body, the plugin's stdout */
    char *head = answer.data ? answer.data : "";
    char *body = strstr(head, "\r\n\r\n");
    if (body) {
        *body = '\0';
        body += 4;
    }
    int http = (strncmp(head, "HTTP/1.1 ", 9) == 0 || strncmp(head, "HTTP/1.0 ", 9) == 0) && strspn(head + 9, "0123456789") == 3;
    if (http && strncmp(head + 9, "200", 3) == 0) {
        const char *code = body ? header(head, "CNI-Exit-Code:") : NULL;
        size_t digits = code ? strspn(code, "0123456789") : 0;
        if (digits < 1 || digits > 3 || atoi(code) > 255)
            no_answer(socket_path, "200 without a valid CNI-Exit-Code");
        write_all(1, body, answer.len - (size_t)(body - answer.data));
        exit(atoi(code));
    }
    if (http) { /* refused, so not run: elsewhere then */
        fprintf(stderr, "netmgr-cni: daemon at %s answered %.3s, running in-process\n", socket_path, head + 9);
        return;
    }
    char what[128];
    snprintf(what, sizeof what, "%zu bytes%s%s", answer.len, read_error ? ", " : "", read_error ? strerror(read_error) : "");
    no_answer(socket_path, what);
}

/* ---- in-process: the plugin's JVM ---- */

/* The distribution's directory (holding bin/netmgr-java), or NULL. */
static const char *find_home(void) {
    static char self[PATH_MAX];
    const char *candidates[5] = {0};
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* the binary itself, symlinks resolved */
    if (n > 0) {
        self[n] = '\0';
        for (int up = 0; up < 2; up++) { /* .../bin/netmgr-cni -> ... */
            char *slash = strrchr(self, '/');
            if (slash)
                *slash = '\0';
        }
        candidates[0] = self;
    }
    candidates[1] = getenv("NETMGR_HOME");
    candidates[2] = "/usr/lib/netmgr";
    candidates[3] = "/usr/local/lib/netmgr";
    candidates[4] = "/opt/netmgr";
    for (int i = 0; i < 5; i++) {
        char launcher[PATH_MAX];
        if (!candidates[i] || !*candidates[i])
            continue;
        snprintf(launcher, sizeof launcher, "%s/bin/netmgr-java", candidates[i]);
        if (access(launcher, R_OK) == 0)
            return candidates[i];
    }
    return NULL;
}

/* The plugin's jar: its manifest names the rest of lib/, opened only on this path. */
static char *plugin_jar(const char *home) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/lib", home);
    DIR *lib = opendir(dir);
    if (!lib)
        return "";
    for (struct dirent *e; (e = readdir(lib));) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "cni-plugin-", 11) == 0 && n > 15 && strcmp(e->d_name + n - 4, ".jar") == 0) {
            char *jar = malloc(strlen(dir) + n + 2);
            if (jar)
                sprintf(jar, "%s/%s", dir, e->d_name);
            closedir(lib);
            return jar ? jar : "";
        }
    }
    closedir(lib);
    return "";
}

static void run_in_jvm(int argc, char **argv, const struct buf *conf_text) {
    const char *home = find_home();
    if (!home)
        fail(error_version, 5, "netmgr-cni: cannot find the netmgr distribution (bin/netmgr-java, lib/)",
             "symlink this plugin to bin/netmgr-cni of the distribution, or install it in /usr/lib/netmgr or /opt/netmgr");
    /* the configuration on the JVM's stdin again, from memory: no temporary file to leave behind */
    int fd = memfd_create("netmgr-cni-configuration", 0);
    if (fd < 0)
        fail(error_version, 5, "netmgr-cni: no memory file for the configuration", strerror(errno));
    write_all(fd, conf_text->data ? conf_text->data : "", conf_text->len);
    if (lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) != 0)
        fail(error_version, 5, "netmgr-cni: cannot give the configuration to the JVM", strerror(errno));
    close(fd);
    /* shell variables, not exported: the JVM hands every NETMGR_* variable to its handler */
    char **args = calloc((size_t)argc + 8, sizeof *args);
    if (!args)
        fail(error_version, 5, "netmgr-cni: out of memory", "the machine has no memory left for a plugin call");
    int i = 0;
    args[i++] = "/bin/sh";
    args[i++] = "-c";
    args[i++] = "NETMGR_HOME=$1 NETMGR_CLASSPATH=$2; shift 2; . \"$NETMGR_HOME/bin/netmgr-java\" && "
                "netmgr_exec io.netmgr.cni.CniMain \"$@\"";
    args[i++] = "netmgr-cni";
    args[i++] = (char *)home;
    args[i++] = plugin_jar(home);
    for (int a = 1; a < argc; a++)
        args[i++] = argv[a];
    signal(SIGPIPE, SIG_DFL); /* an ignored signal stays ignored across exec */
    execv("/bin/sh", args);
    fail(error_version, 5, "netmgr-cni: cannot run /bin/sh", strerror(errno));
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); /* a daemon that hangs up is an answer to read, not a reason to die */
    struct buf conf_text = {0};
    char chunk[65536];
    for (;;) {
        ssize_t n = read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        put(&conf_text, chunk, (size_t)n);
    }
    struct conf conf = read_conf(&conf_text);
    error_version = supported(conf.cni_version) ? conf.cni_version : LATEST;

    const char *command = getenv("CNI_COMMAND");
    if (command && strcmp(command, "VERSION") == 0)
        answer_version(&conf_text, &conf);
    if (!conf.json || !conf.daemon_socket) /* none named: the default; not JSON: the handler says so */
        hand_to_daemon(DEFAULT_SOCKET, &conf_text);
    else if (*conf.daemon_socket) /* "" turns the fast path off */
        hand_to_daemon(conf.daemon_socket, &conf_text);
    run_in_jvm(argc, argv, &conf_text);
    return 1;
}
