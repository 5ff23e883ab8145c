package io.netmgr.netlink.sys;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls netlink sockets and network namespaces need, bound through JNR.
 * Everything above this interface is plain Java. Buffers passed here must be direct.
 */
public interface LibC {
    @SaveError int socket(int domain, int type, int protocol);
    @SaveError int bind(int fd, @In ByteBuffer sockaddr, int len);
    @SaveError int getsockname(int fd, @Out ByteBuffer sockaddr, @In @Out ByteBuffer lenInOut);
    @SaveError int setsockopt(int fd, int level, int option, @In ByteBuffer value, int len);
    @SaveError long sendto(int fd, @In ByteBuffer buf, long len, int flags, @In ByteBuffer sockaddr, int addrLen);
    @SaveError long recv(int fd, @Out ByteBuffer buf, long len, int flags);
    @SaveError int close(int fd);
    @SaveError int open(String path, int flags, int mode);
    @SaveError int setns(int fd, int nstype);
    @SaveError int unshare(int flags);
    @SaveError int mount(String source, String target, String fsType, long flags, String data);
    @SaveError int umount2(String target, int flags);
    @SaveError int fstat(int fd, @Out ByteBuffer statBuf);
    @SaveError int eventfd(int initval, int flags);
    @SaveError long write(int fd, @In ByteBuffer buf, long len);
    @SaveError int poll(@In @Out ByteBuffer fds, long nfds, int timeoutMillis);
    long syscall(long number);
    int getpid();
}
