//! Images attached to proposals: PNG, JPEG or WebP recognised by their
//! bytes (not by the name or the browser's word), at most 5 MB and four per
//! proposal, with a required text alternative. Each is decoded under a
//! pixel budget (a small file declaring 40,000 × 40,000 pixels is refused
//! before anything is allocated) and encoded again from its pixels, turned
//! the way the camera said: nothing but the picture survives (no EXIF, XMP,
//! text chunks or comments: not the camera, not the place the photo was
//! taken). Files live in a [`FileStore`] under the attachment's id; the
//! database keeps the type, size and SHA-256.

use crate::service::participation::lookup;
use crate::service::participation::visibility;
use std::path::PathBuf;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::Refusal;
use crate::model::participation::{AttachmentDto, MAX_IMAGE_BYTES, MAX_IMAGES};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::entity::attachment;
use crate::service::{Ctx, ServiceError, participation::authoring, processes::phases};

/// Where attachment bytes are kept: a directory on disk (an object store
/// can take its place behind the same three calls).
#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// A store rooted at `root` (created when first written).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, id: Uuid) -> PathBuf {
        self.root.join(id.simple().to_string())
    }

    async fn put(&self, id: Uuid, bytes: &[u8]) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.root).await?;
        let temporary = self.root.join(format!("{}.part", id.simple()));
        tokio::fs::write(&temporary, bytes).await?;
        tokio::fs::rename(&temporary, self.path(id)).await
    }

    async fn read(&self, id: Uuid) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path(id)).await
    }

    async fn delete(&self, id: Uuid) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(id)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

fn storage_error(error: std::io::Error) -> ServiceError {
    ServiceError::Database(sea_orm::DbErr::Custom(format!("file store: {error}")))
}

/// The most pixels an image may have (a 24-megapixel photo; 96 MB decoded).
pub const MAX_IMAGE_PIXELS: u64 = 24_000_000;
/// The longest side an image may have.
pub const MAX_IMAGE_SIDE: u32 = 10_000;

/// The image, recognised, decoded under the pixel budget and encoded again
/// from its pixels alone, with its media type. CPU work: call it off the
/// async threads.
fn clean_image(bytes: Vec<u8>) -> Result<(Vec<u8>, &'static str), FieldProblem> {
    use image::{ImageDecoder, ImageFormat, ImageReader, Limits};
    if bytes.is_empty() {
        return Err(FieldProblem::Empty);
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(FieldProblem::TooLarge {
            max: MAX_IMAGE_BYTES / (1024 * 1024),
        });
    }
    let format = image::guess_format(&bytes).map_err(|_| FieldProblem::Malformed)?;
    let content_type = match format {
        ImageFormat::Png => "image/png",
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::WebP => "image/webp",
        _ => return Err(FieldProblem::Malformed),
    };
    // The sides are checked below, from the header, to say why; the
    // allocation bound stops anything the header understates.
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4 + 16 * 1024 * 1024);
    let mut reader = ImageReader::with_format(std::io::Cursor::new(&bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| FieldProblem::Malformed)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(FieldProblem::Malformed);
    }
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS || width.max(height) > MAX_IMAGE_SIDE
    {
        return Err(FieldProblem::TooManyPixels {
            max_megapixels: (MAX_IMAGE_PIXELS / 1_000_000) as u32,
        });
    }
    let orientation = decoder.orientation().ok();
    let mut pixels =
        image::DynamicImage::from_decoder(decoder).map_err(|_| FieldProblem::Malformed)?;
    if let Some(orientation) = orientation {
        pixels.apply_orientation(orientation);
    }
    let mut out = std::io::Cursor::new(Vec::with_capacity(bytes.len()));
    let written = match format {
        ImageFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
            pixels.to_rgb8().write_with_encoder(encoder)
        }
        // PNG stays lossless; WebP is written lossless too (the encoder the
        // crate has), so nothing is lost on the way.
        other => pixels.write_to(&mut out, other),
    };
    written.map_err(|_| FieldProblem::Malformed)?;
    Ok((out.into_inner(), content_type))
}

fn clean_alt(raw: &str) -> Result<String, FieldProblem> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldProblem::Empty);
    }
    if value.chars().any(char::is_control) {
        return Err(FieldProblem::ControlCharacters);
    }
    let n = value.chars().count();
    if n < 3 {
        return Err(FieldProblem::TooShort { min: 3 });
    }
    if n > 300 {
        return Err(FieldProblem::TooLong { max: 300 });
    }
    Ok(value.to_owned())
}

fn clean_file_name(raw: &str) -> String {
    let name: String = raw
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(120)
        .collect();
    if name.trim().is_empty() {
        "immagine".to_owned()
    } else {
        name
    }
}

/// The author attaches an image while the proposal can still be edited.
pub async fn upload(
    ctx: &Ctx,
    store: &FileStore,
    proposal_id: Uuid,
    file_name: &str,
    alt_text: &str,
    bytes: Vec<u8>,
) -> Result<Uuid, ServiceError> {
    authorize(ctx, Operation::UploadImage, Scope::Global)?;
    let me = person(ctx)?.id;
    let p = lookup::find(&ctx.db, proposal_id).await?;
    if p.author_id != Some(me) {
        return Err(ServiceError::Forbidden);
    }
    visibility::ensure_not_blocked(&ctx.db, me, p.process_id).await?;
    let state = phases::load(&ctx.db, p.process_id).await?;
    if let Some(reason) = authoring::edit_lock(&p, &state) {
        return Err(ServiceError::Refused(Refusal::EditWindowClosed { reason }));
    }
    let alt = clean_alt(alt_text).map_err(|problem| ServiceError::field("descrizione", problem))?;
    let existing = attachment::Entity::find()
        .filter(attachment::Column::ProposalId.eq(p.id))
        .count(&ctx.db)
        .await?;
    if existing >= u64::from(MAX_IMAGES) {
        return Err(ServiceError::Refused(Refusal::TooManyImages {
            max: MAX_IMAGES,
        }));
    }
    let (clean, content_type) = tokio::task::spawn_blocking(move || clean_image(bytes))
        .await
        .map_err(|e| ServiceError::Database(sea_orm::DbErr::Custom(format!("image task: {e}"))))?
        .map_err(|problem| ServiceError::field("immagine", problem))?;
    let id = Uuid::now_v7();
    store.put(id, &clean).await.map_err(storage_error)?;
    let inserted = attachment::Entity::insert(attachment::ActiveModel {
        id: Set(id),
        proposal_id: Set(p.id),
        uploader_id: Set(Some(me)),
        file_name: Set(clean_file_name(file_name)),
        alt_text: Set(alt),
        content_type: Set(content_type.to_owned()),
        byte_size: Set(clean.len() as i64),
        sha256: Set(crate::service::common::secrets::hex(&Sha256::digest(
            &clean,
        ))),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(&ctx.db)
    .await;
    if let Err(error) = inserted {
        let _ = store.delete(id).await;
        return Err(error.into());
    }
    Ok(id)
}

/// The author removes an image.
pub async fn remove(ctx: &Ctx, store: &FileStore, attachment_id: Uuid) -> Result<(), ServiceError> {
    authorize(ctx, Operation::RemoveImage, Scope::Global)?;
    let me = person(ctx)?.id;
    let a = attachment::Entity::find_by_id(attachment_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("attachment"))?;
    let p = lookup::find(&ctx.db, a.proposal_id).await?;
    if p.author_id != Some(me) {
        return Err(ServiceError::Forbidden);
    }
    visibility::ensure_not_blocked(&ctx.db, me, p.process_id).await?;
    let state = phases::load(&ctx.db, p.process_id).await?;
    if let Some(reason) = authoring::edit_lock(&p, &state) {
        return Err(ServiceError::Refused(Refusal::EditWindowClosed { reason }));
    }
    attachment::Entity::delete_by_id(a.id).exec(&ctx.db).await?;
    store.delete(a.id).await.map_err(storage_error)?;
    Ok(())
}

/// An image file to serve.
#[derive(Clone, Debug)]
pub struct ImageFile {
    pub content_type: String,
    pub file_name: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// An image's bytes and type, for anyone (proposals are public).
pub async fn get(
    ctx: &Ctx,
    store: &FileStore,
    attachment_id: Uuid,
) -> Result<ImageFile, ServiceError> {
    authorize(ctx, Operation::ViewImage, Scope::Global)?;
    let a = attachment::Entity::find_by_id(attachment_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("attachment"))?;
    // The images of a proposal out of sight are out of sight too.
    let p = lookup::find(&ctx.db, a.proposal_id).await?;
    if !visibility::can_see(
        &ctx.actor,
        &p.visibility,
        p.author_id,
        p.process_id,
        p.platform_id,
    ) {
        return Err(ServiceError::NotFound("attachment"));
    }
    let bytes = store.read(a.id).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ServiceError::NotFound("attachment"),
        _ => storage_error(e),
    })?;
    Ok(ImageFile {
        content_type: a.content_type,
        file_name: a.file_name,
        sha256: a.sha256,
        bytes,
    })
}

/// The images of a proposal, in upload order.
pub(crate) async fn of_proposal(
    db: &impl sea_orm::ConnectionTrait,
    proposal_id: Uuid,
) -> Result<Vec<AttachmentDto>, ServiceError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ProposalId.eq(proposal_id))
        .order_by_asc(attachment::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AttachmentDto {
            id: a.id,
            alt_text: a.alt_text,
            content_type: a.content_type,
            byte_size: a.byte_size,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60,
        0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00,
        0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn images_are_recognised_by_their_bytes() {
        let (clean, kind) = clean_image(PNG.to_vec()).expect("a valid PNG");
        assert_eq!(kind, "image/png");
        assert!(clean.starts_with(&PNG[..8]));
        assert_eq!(clean_image(Vec::new()), Err(FieldProblem::Empty));
        assert_eq!(
            clean_image(b"<svg onload=alert(1)></svg>".to_vec()),
            Err(FieldProblem::Malformed)
        );
        assert_eq!(
            clean_image(PNG[..20].to_vec()),
            Err(FieldProblem::Malformed)
        );
        assert_eq!(
            clean_image(vec![0xFF; MAX_IMAGE_BYTES + 1]),
            Err(FieldProblem::TooLarge { max: 5 })
        );
    }

    #[test]
    fn names_and_descriptions_are_cleaned() {
        assert_eq!(clean_file_name("C:\\foto\\../<b>piazza.png"), "bpiazza.png");
        assert_eq!(clean_file_name("///"), "immagine");
        assert_eq!(clean_alt("  "), Err(FieldProblem::Empty));
        assert_eq!(clean_alt("ok"), Err(FieldProblem::TooShort { min: 3 }));
        assert!(clean_alt("La piazza del mercato").is_ok());
    }
}
