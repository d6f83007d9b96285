"""Writes a small .npz whose deflated array x claims SIZE_MB megabytes.

usage: claim_memory.py OUT SIZE_MB

The member's .npy header (x: f32[N, 3], consistent with the claimed size)
inflates correctly; empty deflate blocks pad the stream to 1/1000 of the
claim (the most deflate can expand is ~1:1032). A reader that checks the
size before inflating the data never finds out that the data is missing.
"""
import struct
import sys
import zlib

out, size_mb = sys.argv[1], int(sys.argv[2])
rows = size_mb * 1000000 // 12
header = ("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 3), }"
          % rows).encode()
header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
npy_head = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header
usize = len(npy_head) + rows * 12
c = zlib.compressobj(9, zlib.DEFLATED, -15)
stream = c.compress(npy_head) + c.flush(zlib.Z_SYNC_FLUSH)
# Padding: empty stored blocks (valid deflate that inflates to nothing).
stream += b"\x00\x00\x00\xff\xff" * ((usize // 1000 - len(stream)) // 5 + 1)
name = b"x.npy"
local = b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, 0,
                                    len(stream), usize, len(name), 0) + name
central = b"PK\x01\x02" + struct.pack("<HHHHHHIIIHHHHHII", 20, 20, 0, 8, 0,
                                      0x21, 0, len(stream), usize, len(name),
                                      0, 0, 0, 0, 0, 0) + name
end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central),
                                  len(local) + len(stream), 0)
with open(out, "wb") as f:
    f.write(local + stream + central + end)
