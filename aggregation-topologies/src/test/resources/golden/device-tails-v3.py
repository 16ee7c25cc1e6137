# Writes device-tails-v3-whole.bin (run 0) and device-tails-v3-segment.bin from DeviceTailsSerde's Javadoc (format 3),
# taking the series' fields from device-tails-v2.bin (format 2, written from its own Javadoc).
import struct, sys
d = sys.argv[1]
v2 = open(d + '/device-tails-v2.bin', 'rb').read()
pos = 0
def u():
    global pos
    v = 0; s = 0
    while True:
        b = v2[pos]; pos += 1
        v |= (b & 0x7f) << s; s += 7
        if not b & 0x80: return v
def z():
    r = u(); return (r >> 1) ^ -(r & 1)
def bs():
    global pos
    n = u(); b = v2[pos:pos+n]; pos += n; return b
assert v2[0] == 2; pos = 1
dev = bs(); n = u(); series = []
for _ in range(n):
    metric = bs(); tiers = []
    for _ in range(u()):
        tiers.append((bs(), z()))
    latest = z(); nsp = z(); openp = v2[pos]; pos += 1; gen = z(); ops = u(); log = bs()
    series.append(dict(metric=metric, tiers=tiers, latest=latest, nsp=nsp, open=openp, gen=gen, ops=ops, log=log))
assert pos == len(v2)
MIN = -2**63
def wu(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while v & ~0x7f:
        out.append((v & 0x7f) | 0x80); v >>= 7
    out.append(v); return bytes(out)
def wz(v):
    v = ((v + 2**63) % 2**64) - 2**63  # wrap to a signed 64-bit value
    return wu(((v << 1) ^ (v >> 63)) & ((1 << 64) - 1))
def wb(b): return wu(len(b)) + b
def header(kind):
    out = bytes([3, kind]) + wu(0) + wb(dev) + wu(2) + wb(b'1m') + wb(b'1h')
    return out
def entry(s, flags, log, ops, frm=None):
    out = wb(s['metric']) + bytes([flags | s['open']]) + wz(s['latest'])
    none = (1 if s['nsp'] == MIN else 0)
    for i, (_, sealed) in enumerate(s['tiers']):
        none |= (1 << (i + 1)) if sealed == MIN else 0
    out += wu(none)
    if s['nsp'] != MIN: out += wz(s['latest'] - s['nsp'])
    for _, sealed in s['tiers']:
        if sealed != MIN: out += wz(s['latest'] - sealed)
    out += wz(s['gen'])
    if frm is not None: out += wu(frm)
    return out + wu(ops) + wb(log)
whole = header(0) + wu(len(series)) + b''.join(entry(s, 0, s['log'], s['ops']) for s in series)
open(d + '/device-tails-v3-whole.bin', 'wb').write(whole)
# The segment: temp takes one more reading at T0 + 2000, 22.25, into its open chunk and the hour's bucket (mask 1 | 4),
# seen at T0 + 2000; speed is removed.
T0 = 1_795_546_800_000
temp = dict(series[0]); temp['latest'] = T0 + 2000
# reading: head = mask << 4 | code << 2 | 0, code 2 (22.25 = 2225 / 10^2); time delta 1000 from the previous reading
# (T0 + 1000); units 2225 minus rint(21.5 * 100) = 2150.
reading = wu(5 << 4 | 2 << 2) + wz(1000) + wz(2225 - 2150)
segment = header(1) + wu(2) + wb(b'speed') + bytes([2]) + wz(0) + entry(temp, 4, reading, 1, frm=temp['ops'])
open(d + '/device-tails-v3-segment.bin', 'wb').write(segment)
print(whole.hex(), segment.hex(), series[0]['ops'])
