#!/usr/bin/env python3
"""Attach a one-line eBPF program to a device's tc ingress: every frame received there is sent on
to another device, skipping whatever the kernel would have done with it (the bridge).

    ip netns exec NS python3 bench/bpf-redirect.py DEV TARGET redirect        # out of TARGET
    ip netns exec NS python3 bench/bpf-redirect.py DEV TARGET redirect_peer   # into TARGET's veth peer

A bench aid, not part of netmgr: OverlayThroughput uses it to measure the container path of a
VXLAN overlay with the bridge bypassed (Cilium's way: the container's veth redirected to the VXLAN
device, and frames off the VXLAN device put straight into the container's namespace with
bpf_redirect_peer, which also skips the veth's backlog queue). The program is
"return helper(TARGET's ifindex, 0)": no map, one container per host. It runs in the namespace the
command runs in; tc takes it from a pin on a bpffs mounted for the occasion in a mount namespace
of the program's own (unshare), and the attached filter keeps it alive after the pin goes.
"""
import ctypes
import os
import struct
import subprocess
import sys
import tempfile

BPF_SYSCALL = 321  # x86_64
BPF_PROG_LOAD, BPF_OBJ_PIN = 5, 6
BPF_PROG_TYPE_SCHED_CLS = 3
HELPERS = {"redirect": 23, "redirect_peer": 155}  # BPF_FUNC_redirect, BPF_FUNC_redirect_peer


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr.ljust(128, b"\0"), 128)
    r = libc.syscall(BPF_SYSCALL, cmd, buf, 128)
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r


def load(helper, ifindex):
    program = (insn(0xb7, dst=1, imm=ifindex)  # r1 = ifindex
               + insn(0xb7, dst=2, imm=0)      # r2 = flags 0
               + insn(0x85, imm=helper)        # call helper: TC_ACT_REDIRECT, or TC_ACT_SHOT if no such device
               + insn(0x95))                   # exit with its result
    code = ctypes.create_string_buffer(program)
    license = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(1 << 16)
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, len(program) // 8, ctypes.addressof(code),
                       ctypes.addressof(license), 1, len(log), ctypes.addressof(log), 0, 0, b"nmb_redirect")
    try:
        return bpf(BPF_PROG_LOAD, attr)
    except OSError as e:
        sys.exit(f"bpf-redirect: the kernel refused the program ({e.strerror}): {log.value.decode()}")


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in HELPERS:
        sys.exit(__doc__)
    dev, target, how = sys.argv[1:]
    if not os.environ.get("NMB_BPF_OWN_MOUNTS"):
        # the bpffs below is mounted in a mount namespace of this program's own, whose mounts go
        # nowhere else, whatever namespace it was started in
        os.environ["NMB_BPF_OWN_MOUNTS"] = "1"
        os.execvp("unshare", ["unshare", "--mount", "--propagation", "slave", sys.executable, *sys.argv])
    with open(f"/sys/class/net/{target}/ifindex") as f:
        ifindex = int(f.read())
    fd = load(HELPERS[how], ifindex)
    with tempfile.TemporaryDirectory() as fs:
        subprocess.run(["mount", "-t", "bpf", "bpf", fs], check=True)
        try:
            pin = os.path.join(fs, "prog")
            path = ctypes.create_string_buffer(pin.encode())
            bpf(BPF_OBJ_PIN, struct.pack("<QI", ctypes.addressof(path), fd))
            subprocess.run(["tc", "qdisc", "replace", "dev", dev, "clsact"], check=True)
            subprocess.run(["tc", "filter", "replace", "dev", dev, "ingress", "bpf", "direct-action", "object-pinned", pin],
                           check=True)
        finally:
            subprocess.run(["umount", fs], check=True)


libc = ctypes.CDLL(None, use_errno=True)
if __name__ == "__main__":
    main()
