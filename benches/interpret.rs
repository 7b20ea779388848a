//! Interpreting one page already in memory, on one core: A5 at 200 and 300
//! dpi, grey and colour (targets: ≤ 5 ms and ≤ 10 ms median).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use image::DynamicImage;
use kiemphieu::ballot::raster::render_ballot_gray;
use kiemphieu::ballot::{BallotLayout, Payload, Serial};
use kiemphieu::election::{BallotKey, EXAMPLE_ELECTION, Fingerprint, parse_election};
use kiemphieu::interpret::{Interpreter, Page, Profile, Status};

fn bench(c: &mut Criterion) {
    let election =
        parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).expect("example parses");
    let key = BallotKey::from_bytes([3; 32]);
    let interp = Interpreter::new(&election, key.clone(), Profile::default()).expect("interpreter");
    let layout = BallotLayout::for_election(&election).expect("layout");
    let text = Payload::sign(&Fingerprint::of(&election), Serial(42), &key).encode();
    let mut group = c.benchmark_group("interpret_a5");
    for dpi in [200.0f32, 300.0, 600.0] {
        let grey = render_ballot_gray(&layout, Some(&text), dpi);
        let colour = DynamicImage::ImageLuma8(grey.clone()).to_rgb8();
        for (kind, image) in [
            ("grey", DynamicImage::ImageLuma8(grey)),
            ("colour", DynamicImage::ImageRgb8(colour)),
        ] {
            let page = Page {
                image,
                dpi: Some(dpi as f64),
            };
            let check = interp.interpret(&page);
            assert_eq!(
                check.status,
                Status::Review,
                "benchmark page must be read: {check:?}"
            );
            group.bench_function(format!("{}dpi_{kind}", dpi as u32), |b| {
                b.iter(|| interp.interpret(&page))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
