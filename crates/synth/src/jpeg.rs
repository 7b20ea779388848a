//! A small baseline JPEG encoder: JFIF, the example tables of ITU T.81 Annex K, AAN
//! float DCT, grey or YCbCr 4:2:0 like most scanners.
//!
//! Why not `image`'s encoder: it reads every pixel through a generic view, divides and
//! rounds each coefficient through libm, and writes colour as 4:4:4; at 300 dpi it took
//! half of a page's generation time. This one is several times faster.

/// Annex K.1 luminance quantisation table, natural order.
const LUMA_Q: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// Annex K.2 chrominance quantisation table, natural order.
const CHROMA_Q: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// Natural index of the k-th coefficient in zigzag order.
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Annex K.3–K.6 Huffman tables: code counts per length 1..16, then symbols.
const DC_LUMA_BITS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_CHROMA_BITS: [u8; 16] = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
const DC_VALUES: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_LUMA_BITS: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
const AC_LUMA_VALUES: [u8; 162] = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
    0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];
const AC_CHROMA_BITS: [u8; 16] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
const AC_CHROMA_VALUES: [u8; 162] = [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
    0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
    0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
    0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
    0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
    0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
    0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
    0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];

/// Why an image cannot be written as JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum JpegError {
    /// Baseline JPEG stores sizes in 16 bits.
    #[error("{0} × {1} px is outside JPEG's 1–65535 px per side")]
    Size(usize, usize),
    /// Only grey and RGB are written.
    #[error("{0} channels: only grey (1) and RGB (3) are written")]
    Channels(usize),
}

/// Code and length per symbol, from a table's counts per length (T.81 Annex C).
struct Huffman {
    code: [u16; 256],
    len: [u8; 256],
}

impl Huffman {
    fn new(bits: &[u8; 16], values: &[u8]) -> Self {
        let mut h = Huffman {
            code: [0; 256],
            len: [0; 256],
        };
        let (mut code, mut k) = (0u16, 0usize);
        for (i, &count) in bits.iter().enumerate() {
            for _ in 0..count {
                if let Some(&v) = values.get(k) {
                    h.code[usize::from(v)] = code;
                    h.len[usize::from(v)] = i as u8 + 1;
                }
                code = code.wrapping_add(1);
                k += 1;
            }
            code <<= 1;
        }
        h
    }
}

/// Entropy-coded bits with 0xFF byte stuffing.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    #[inline]
    fn put(&mut self, value: u32, len: u8) {
        if len == 0 {
            return;
        }
        self.acc = (self.acc << len) | u64::from(value & ((1u32 << len) - 1));
        self.n += u32::from(len);
        while self.n >= 8 {
            self.n -= 8;
            let byte = (self.acc >> self.n) as u8;
            self.out.push(byte);
            if byte == 0xFF {
                self.out.push(0);
            }
        }
    }

    /// Pads the last byte with 1-bits.
    fn flush(&mut self) {
        if self.n > 0 {
            let pad = 8 - self.n as u8;
            self.put((1 << pad) - 1, pad);
        }
    }
}

/// One component's tables and DC predictor.
struct Component<'a> {
    /// Reciprocal of quantiser × AAN scale × 8, natural order.
    recip: [f32; 64],
    dc: &'a Huffman,
    ac: &'a Huffman,
    pred: i32,
}

/// AAN output scale factors: cos(kπ/16)·√2, 1 for k = 0.
const AAN: [f32; 8] = [
    1.0,
    1.387_039_8,
    1.306_563,
    1.175_875_6,
    1.0,
    0.785_694_96,
    0.541_196_1,
    0.275_899_38,
];

/// Quality-scaled quantisation table (the IJG formula), natural order.
fn scaled(base: &[u16; 64], quality: u8) -> [u16; 64] {
    let q = u32::from(quality.clamp(1, 100));
    let scale = if q < 50 { 5000 / q } else { 200 - 2 * q };
    base.map(|b| ((u32::from(b) * scale + 50) / 100).clamp(1, 255) as u16)
}

fn reciprocals(q: &[u16; 64]) -> [f32; 64] {
    std::array::from_fn(|i| 1.0 / (f32::from(q[i]) * AAN[i / 8] * AAN[i % 8] * 8.0))
}

/// In-place AAN forward DCT of 8 values at `stride` (jfdctflt's flow graph).
#[inline]
fn fdct8(d: &mut [f32; 64], base: usize, stride: usize) {
    let at = |i: usize| base + i * stride;
    let (d0, d1, d2, d3) = (d[at(0)], d[at(1)], d[at(2)], d[at(3)]);
    let (d4, d5, d6, d7) = (d[at(4)], d[at(5)], d[at(6)], d[at(7)]);
    let (t0, t7, t1, t6) = (d0 + d7, d0 - d7, d1 + d6, d1 - d6);
    let (t2, t5, t3, t4) = (d2 + d5, d2 - d5, d3 + d4, d3 - d4);
    let (t10, t13, t11, t12) = (t0 + t3, t0 - t3, t1 + t2, t1 - t2);
    d[at(0)] = t10 + t11;
    d[at(4)] = t10 - t11;
    let z1 = (t12 + t13) * 0.707_106_77;
    d[at(2)] = t13 + z1;
    d[at(6)] = t13 - z1;
    let (t10, t11, t12) = (t4 + t5, t5 + t6, t6 + t7);
    let z5 = (t10 - t12) * 0.382_683_43;
    let z2 = 0.541_196_1 * t10 + z5;
    let z4 = 1.306_563 * t12 + z5;
    let z3 = t11 * 0.707_106_77;
    let (z11, z13) = (t7 + z3, t7 - z3);
    d[at(5)] = z13 + z2;
    d[at(3)] = z13 - z2;
    d[at(1)] = z11 + z4;
    d[at(7)] = z11 - z4;
}

/// Bit length of |v| (the JPEG "category").
#[inline]
fn category(v: i32) -> u8 {
    (32 - v.unsigned_abs().leading_zeros()) as u8
}

/// Transforms, quantises and entropy-codes one block of level-shifted samples.
fn block(bits: &mut Bits, c: &mut Component, samples: &mut [f32; 64]) {
    for r in 0..8 {
        fdct8(samples, r * 8, 1);
    }
    for col in 0..8 {
        fdct8(samples, col, 8);
    }
    let mut q = [0i32; 64];
    for (k, &n) in ZIGZAG.iter().enumerate() {
        let v = samples[n] * c.recip[n];
        // Round half away from zero without libm.
        q[k] = (v + if v >= 0.0 { 0.5 } else { -0.5 }) as i32;
    }
    let diff = q[0] - c.pred;
    c.pred = q[0];
    let cat = category(diff);
    // Code and magnitude bits in one call: at most 16 + 11 bits.
    let (code, len) = (
        u32::from(c.dc.code[usize::from(cat)]),
        c.dc.len[usize::from(cat)],
    );
    bits.put((code << cat) | magnitude(diff, cat), len + cat);
    let mut run = 0u8;
    for &v in &q[1..] {
        if v == 0 {
            run += 1;
            continue;
        }
        while run > 15 {
            bits.put(u32::from(c.ac.code[0xF0]), c.ac.len[0xF0]);
            run -= 16;
        }
        let cat = category(v);
        let sym = usize::from((run << 4) | cat);
        bits.put(
            (u32::from(c.ac.code[sym]) << cat) | magnitude(v, cat),
            c.ac.len[sym] + cat,
        );
        run = 0;
    }
    if run > 0 {
        bits.put(u32::from(c.ac.code[0]), c.ac.len[0]);
    }
}

/// The additional bits of a value: itself if positive, else its ones' complement.
#[inline]
fn magnitude(v: i32, cat: u8) -> u32 {
    if v >= 0 {
        v as u32
    } else {
        (v - 1) as u32 & ((1u32 << cat) - 1)
    }
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
}

fn huffman_spec(body: &mut Vec<u8>, class_id: u8, bits: &[u8; 16], values: &[u8]) {
    body.push(class_id);
    body.extend_from_slice(bits);
    body.extend_from_slice(values);
}

/// Encodes interleaved 8-bit grey (`channels` = 1) or RGB (3) samples as a baseline JFIF.
pub(crate) fn encode_jpeg(
    data: &[u8],
    w: usize,
    h: usize,
    channels: usize,
    quality: u8,
    dpi: u32,
) -> Result<Vec<u8>, JpegError> {
    if !(1..=65_535).contains(&w) || !(1..=65_535).contains(&h) {
        return Err(JpegError::Size(w, h));
    }
    if channels != 1 && channels != 3 {
        return Err(JpegError::Channels(channels));
    }
    let colour = channels == 3;
    let luma_q = scaled(&LUMA_Q, quality);
    let chroma_q = scaled(&CHROMA_Q, quality);
    let mut out = Vec::with_capacity(w * h / 4);
    headers(&mut out, (w, h), dpi, &luma_q, colour.then_some(&chroma_q));
    let (dc_l, ac_l) = (
        Huffman::new(&DC_LUMA_BITS, &DC_VALUES),
        Huffman::new(&AC_LUMA_BITS, &AC_LUMA_VALUES),
    );
    let mut y = Component {
        recip: reciprocals(&luma_q),
        dc: &dc_l,
        ac: &ac_l,
        pred: 0,
    };
    let mut bits = Bits { out, acc: 0, n: 0 };
    if colour {
        colour_scan(&mut bits, &mut y, &chroma_q, data, w, h);
    } else {
        grey_scan(&mut bits, &mut y, data, w, h);
    }
    bits.flush();
    let mut out = bits.out;
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

/// SOI, JFIF with the resolution, quantisation and Huffman tables, frame and scan
/// headers; `chroma_q` only for colour.
fn headers(
    out: &mut Vec<u8>,
    (w, h): (usize, usize),
    dpi: u32,
    luma_q: &[u16; 64],
    chroma_q: Option<&[u16; 64]>,
) {
    let colour = chroma_q.is_some();
    out.extend_from_slice(&[0xFF, 0xD8]);
    let density = u16::try_from(dpi).unwrap_or(u16::MAX).to_be_bytes();
    let mut app0 = b"JFIF\0\x01\x01\x01".to_vec();
    app0.extend_from_slice(&density);
    app0.extend_from_slice(&density);
    app0.extend_from_slice(&[0, 0]);
    segment(out, 0xE0, &app0);
    let mut dqt = vec![0u8];
    dqt.extend(ZIGZAG.iter().map(|&n| luma_q[n] as u8));
    if let Some(chroma_q) = chroma_q {
        dqt.push(1);
        dqt.extend(ZIGZAG.iter().map(|&n| chroma_q[n] as u8));
    }
    segment(out, 0xDB, &dqt);
    let mut sof = vec![8];
    sof.extend_from_slice(&(h as u16).to_be_bytes());
    sof.extend_from_slice(&(w as u16).to_be_bytes());
    if colour {
        sof.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    } else {
        sof.extend_from_slice(&[1, 1, 0x11, 0]);
    }
    segment(out, 0xC0, &sof);
    let mut dht = Vec::new();
    huffman_spec(&mut dht, 0x00, &DC_LUMA_BITS, &DC_VALUES);
    huffman_spec(&mut dht, 0x10, &AC_LUMA_BITS, &AC_LUMA_VALUES);
    if colour {
        huffman_spec(&mut dht, 0x01, &DC_CHROMA_BITS, &DC_VALUES);
        huffman_spec(&mut dht, 0x11, &AC_CHROMA_BITS, &AC_CHROMA_VALUES);
    }
    segment(out, 0xC4, &dht);
    if colour {
        segment(out, 0xDA, &[3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    } else {
        segment(out, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
    }
}

/// The entropy-coded data of a colour image: 16 × 16 MCUs, four luma blocks, then Cb
/// and Cr averaged over 2 × 2 pixels.
fn colour_scan(
    bits: &mut Bits,
    y: &mut Component,
    chroma_q: &[u16; 64],
    data: &[u8],
    w: usize,
    h: usize,
) {
    let (dc_c, ac_c) = (
        Huffman::new(&DC_CHROMA_BITS, &DC_VALUES),
        Huffman::new(&AC_CHROMA_BITS, &AC_CHROMA_VALUES),
    );
    let mut s = [0f32; 64];
    let chroma = reciprocals(chroma_q);
    let mut cb = Component {
        recip: chroma,
        dc: &dc_c,
        ac: &ac_c,
        pred: 0,
    };
    let mut cr = Component {
        recip: chroma,
        dc: &dc_c,
        ac: &ac_c,
        pred: 0,
    };
    // 16 × 16 MCUs: four luma blocks, then Cb and Cr averaged over 2 × 2 pixels.
    let mut luma = [0f32; 256];
    let (mut cbs, mut crs) = ([0f32; 64], [0f32; 64]);
    for my in (0..h).step_by(16) {
        for mx in (0..w).step_by(16) {
            cbs.fill(0.0);
            crs.fill(0.0);
            for dy in 0..16 {
                // Past the edge, repeat the last row and column.
                let row = (my + dy).min(h - 1) * w;
                for dx in 0..16 {
                    let i = (row + (mx + dx).min(w - 1)) * 3;
                    let (r, g, b) = (
                        f32::from(data[i]),
                        f32::from(data[i + 1]),
                        f32::from(data[i + 2]),
                    );
                    luma[dy * 16 + dx] = 0.299 * r + 0.587 * g + 0.114 * b - 128.0;
                    let c = (dy / 2) * 8 + dx / 2;
                    cbs[c] += -0.168_736 * r - 0.331_264 * g + 0.5 * b;
                    crs[c] += 0.5 * r - 0.418_688 * g - 0.081_312 * b;
                }
            }
            for (by, bx) in [(0, 0), (0, 8), (8, 0), (8, 8)] {
                for r in 0..8 {
                    s[r * 8..r * 8 + 8]
                        .copy_from_slice(&luma[(by + r) * 16 + bx..(by + r) * 16 + bx + 8]);
                }
                block(bits, y, &mut s);
            }
            // Chroma is centred on 128 already, so the level shift cancels it.
            s = cbs.map(|v| v / 4.0);
            block(bits, &mut cb, &mut s);
            s = crs.map(|v| v / 4.0);
            block(bits, &mut cr, &mut s);
        }
    }
}

/// The entropy-coded data of a grey image, 8 × 8 blocks.
fn grey_scan(bits: &mut Bits, y: &mut Component, data: &[u8], w: usize, h: usize) {
    let mut s = [0f32; 64];
    for by in (0..h).step_by(8) {
        for bx in (0..w).step_by(8) {
            let inside = bx + 8 <= w && by + 8 <= h;
            for r in 0..8 {
                let row = (by + r).min(h - 1) * w;
                if inside {
                    for (o, &v) in s[r * 8..r * 8 + 8]
                        .iter_mut()
                        .zip(&data[row + bx..row + bx + 8])
                    {
                        *o = f32::from(v) - 128.0;
                    }
                } else {
                    // Past the edge, repeat the last row and column.
                    for c in 0..8 {
                        s[r * 8 + c] = f32::from(data[row + (bx + c).min(w - 1)]) - 128.0;
                    }
                }
            }
            block(bits, y, &mut s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test card: gradients, hard edges and colour.
    fn card(w: usize, h: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                let edge = if (x / 7 + y / 5) % 2 == 0 { 40 } else { 220 };
                v.extend_from_slice(&[(x * 255 / w) as u8, edge, (y * 255 / h) as u8]);
            }
        }
        v
    }

    fn mean_abs(a: &[u8], b: &[u8]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| f64::from(x.abs_diff(y)))
            .sum::<f64>()
            / a.len() as f64
    }

    #[test]
    fn grey_and_colour_decode_close_to_the_source() {
        // Odd sizes exercise the edge padding of 8 × 8 blocks and 16 × 16 MCUs.
        for (w, h) in [(1, 1), (37, 23), (64, 48), (101, 77)] {
            let rgb = card(w, h);
            let grey: Vec<u8> = rgb.chunks(3).map(|p| p[1]).collect();
            let jpg = encode_jpeg(&grey, w, h, 1, 95, 300).expect("encodes");
            let back = image::load_from_memory(&jpg)
                .expect("grey decodes")
                .to_luma8();
            assert_eq!(back.dimensions(), (w as u32, h as u32));
            let err = mean_abs(back.as_raw(), &grey);
            assert!(err < 4.0, "grey {w}×{h}: mean error {err}");

            let jpg = encode_jpeg(&rgb, w, h, 3, 95, 300).expect("encodes");
            let back = image::load_from_memory(&jpg).expect("colour decodes");
            assert_eq!(back.color(), image::ColorType::Rgb8);
            // Luma is not subsampled: it must survive the hard edges.
            let luma = |v: &[u8]| -> Vec<u8> {
                v.chunks(3)
                    .map(|p| {
                        (0.299 * f64::from(p[0])
                            + 0.587 * f64::from(p[1])
                            + 0.114 * f64::from(p[2]))
                        .round() as u8
                    })
                    .collect()
            };
            let err = mean_abs(&luma(back.to_rgb8().as_raw()), &luma(&rgb));
            assert!(err < 4.0, "colour {w}×{h}: luma mean error {err}");
            // Smooth colour survives 4:2:0 in every channel.
            let smooth: Vec<u8> = (0..w * h)
                .flat_map(|i| {
                    let (x, y) = (i % w, i / w);
                    [(x * 255 / w) as u8, 90, (y * 255 / h) as u8]
                })
                .collect();
            let jpg = encode_jpeg(&smooth, w, h, 3, 95, 300).expect("encodes");
            let back = image::load_from_memory(&jpg)
                .expect("colour decodes")
                .to_rgb8();
            let err = mean_abs(back.as_raw(), &smooth);
            assert!(err < 4.0, "smooth colour {w}×{h}: mean error {err}");
        }
    }

    #[test]
    fn lower_quality_is_smaller_and_flat_areas_stay_flat() {
        let (w, h) = (64, 64);
        let grey: Vec<u8> = card(w, h).chunks(3).map(|p| p[1]).collect();
        let big = encode_jpeg(&grey, w, h, 1, 95, 300).expect("encodes").len();
        let small = encode_jpeg(&grey, w, h, 1, 50, 300).expect("encodes").len();
        assert!(small < big, "{small} vs {big}");
        let flat = vec![200u8; 48 * 40 * 3];
        let jpg = encode_jpeg(&flat, 48, 40, 3, 75, 300).expect("encodes");
        let back = image::load_from_memory(&jpg).expect("decodes").to_rgb8();
        assert!(back.as_raw().iter().all(|&v| v.abs_diff(200) <= 1));
        assert_eq!(
            encode_jpeg(&flat, 0, 40, 3, 75, 300),
            Err(JpegError::Size(0, 40))
        );
        assert_eq!(
            encode_jpeg(&flat, 48, 40, 4, 75, 300),
            Err(JpegError::Channels(4))
        );
    }
}
