//! Images are decoded under a pixel budget and written again from their
//! pixels: a small file declaring a huge picture is refused, and nothing but
//! the picture (no text chunks, comments, EXIF or XMP: no place, no camera)
//! reaches anyone who views it.

use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::service::entity::attachment;
use shared::testing::participation::propose;
use shared::testing::{BODY, PINEROLO, person};

use crate::helpers::{image_upload, sign_in_demo, spawn_app};

/// CRC-32 as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut checked = kind.to_vec();
    checked.extend_from_slice(data);
    out.extend_from_slice(&crc32(&checked).to_be_bytes());
    out
}

/// A PNG declaring `width` × `height` RGBA pixels, with `extra` chunks
/// before its (tiny, for a 1×1 picture) image data.
fn png(width: u32, height: u32, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    out.extend(chunk(b"IHDR", &header));
    for c in extra {
        out.extend_from_slice(c);
    }
    // zlib of one filter byte and four zero bytes (a 1×1 transparent pixel).
    out.extend(chunk(
        b"IDAT",
        &[
            0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01,
        ],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

#[tokio::test]
async fn huge_images_are_refused_and_metadata_never_survives() {
    let app = spawn_app().await;
    let author = person(&app, "citizen@demo.piazza.invalid").await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = propose(
        &app,
        &author,
        PINEROLO,
        "territorio-connesso",
        "Una fontana nuova in piazza",
        BODY,
    )
    .await;

    // 40,000 × 40,000 declared in a file of a hundred bytes: refused unread.
    let bomb = png(40_000, 40_000, &[]);
    assert!(bomb.len() < 200);
    let refused = app
        .send(
            image_upload(
                id,
                &cookie,
                "bomba.png",
                "image/png",
                &bomb,
                "Una bomba di pixel",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert!(
        refused.location().contains("errore-immagine=troppi-pixel"),
        "{}",
        refused.location()
    );
    let page = app
        .get_as(
            &format!("/proposte/{id}?errore-immagine=troppi-pixel"),
            &cookie,
        )
        .await;
    assert!(page.body.contains("troppi pixel"), "the page says why");

    // Text chunks (XMP with a place, a comment) are gone from what is served.
    let secret = "GPSLatitude 45.0703 GPSLongitude 7.6869 Canon EOS";
    let tagged = png(
        1,
        1,
        &[
            chunk(b"tEXt", format!("Comment\0{secret}").as_bytes()),
            chunk(
                b"iTXt",
                format!("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>{secret}</x:xmpmeta>").as_bytes(),
            ),
        ],
    );
    let served = upload_and_serve(&app, id, &cookie, "image/png", &tagged).await;
    let text = String::from_utf8_lossy(&served);
    for leak in ["GPSLatitude", "Canon", "xmpmeta", "tEXt", "iTXt"] {
        assert!(!text.contains(leak), "{leak} survived in the served image");
    }
    assert!(served.starts_with(&[0x89, b'P', b'N', b'G']));

    // A JPEG comment (COM) and an EXIF block are gone too.
    let mut jpeg = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([200, 30, 30]))
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let mut with_meta = jpeg[..2].to_vec();
    for (marker, data) in [
        (0xFE, format!("commento {secret}")),
        (0xE1, format!("Exif\0\0{secret}")),
    ] {
        with_meta.extend_from_slice(&[0xFF, marker]);
        with_meta.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        with_meta.extend_from_slice(data.as_bytes());
    }
    with_meta.extend_from_slice(&jpeg[2..]);
    let served = upload_and_serve(&app, id, &cookie, "image/jpeg", &with_meta).await;
    let text = String::from_utf8_lossy(&served);
    assert!(
        !text.contains("GPSLatitude") && !text.contains("commento"),
        "JPEG metadata survived"
    );
    assert!(served.starts_with(&[0xFF, 0xD8]));
}

/// Uploads `bytes` as the author would, and returns the image as served.
async fn upload_and_serve(
    app: &crate::helpers::TestApp,
    proposal: uuid::Uuid,
    cookie: &str,
    content_type: &str,
    bytes: &[u8],
) -> Vec<u8> {
    let uploaded = app
        .send(
            image_upload(
                proposal,
                cookie,
                "foto",
                content_type,
                bytes,
                "Una foto della piazza",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(
        uploaded.status,
        StatusCode::SEE_OTHER,
        "{}",
        uploaded.location()
    );
    let stored = attachment::Entity::find()
        .filter(attachment::Column::ProposalId.eq(proposal))
        .filter(attachment::Column::ContentType.eq(content_type))
        .one(&app.db)
        .await
        .unwrap()
        .expect("stored");
    let served = app.get(&format!("/immagini/{}", stored.id)).await;
    assert_eq!(served.status, StatusCode::OK);
    served.bytes
}
