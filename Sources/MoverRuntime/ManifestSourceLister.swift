public import AWS
import Gzip
public import MoverCore

/// The backfill's source for `--manifest`: the objects an S3 Inventory report (or a plain
/// Batch Operations CSV) names, read file by file in ranged GETs of 8 MiB, inflated 64 KiB at a time and
/// split into records as they arrive, so memory stays constant however large the report.
///
/// Each Inventory file's MD5 is checked against the manifest when the file ends; a mismatch, a
/// truncated file or a bad record stops the listing with its reason. Rows of another bucket,
/// non-current versions and delete markers are passed over.
///
/// The resume point of a run is `FILE:LINE`: every record up to that line of the manifest's
/// file number FILE (from 0, in the manifest's order) is done. As a `startAfter`, that form
/// starts reading at that file, so the files before it are not read again; any other
/// `startAfter` is a key, and every record up to and including it, in the report's order, is
/// skipped.
public actor ManifestSourceLister: SourceLister {
    /// The streaming position; pages are asked for one at a time (each after the previous one).
    private struct Position {
        var file = 0
        var offset: Int64 = 0
        var line = 0
        /// The current GET's bytes, fed to the inflater 64 KiB at a time from `fed` on.
        var compressed: [UInt8] = []
        var fed = 0
        /// The GETs have reached the file's end.
        var read = false
        /// Text not yet split into lines, from `consumed` on.
        var pending: [UInt8] = []
        var consumed = 0
        var inflater: GzipInflater?
        var md5 = DigestStream(.md5)
        var skippingThrough: String?
        /// Records up to this line of the first file read are skipped.
        var skippingLines = 0
        var started = false
    }

    public let client: S3Client
    public let manifest: InventoryManifest
    public let sourceBucket: String
    public let pageSize: Int
    /// How much of a file one GET reads (8 MiB).
    public let chunkSize: Int64
    /// Where the reading is. An actor's state: the backfill asks for one page after another.
    private var state = Position()

    public init(client: S3Client, manifest: InventoryManifest, sourceBucket: String, pageSize: Int = 1000,
                chunkSize: Int64 = 8 * 1024 * 1024) {
        self.chunkSize = max(1, chunkSize)
        self.client = client
        self.manifest = manifest
        self.sourceBucket = sourceBucket
        self.pageSize = pageSize
    }

    /// `token` says where the page starts (`file:line`), for logs; the lister keeps its place.
    public func page(token: String?, startAfter: String?) async throws -> SourcePage {
        if !state.started {
            state.started = true
            if let startAfter, let (file, line) = Self.position(startAfter) {
                guard file < manifest.files.count || (file == manifest.files.count && line == 0) else {
                    throw ManifestError("--start-after \(startAfter): the manifest names \(manifest.files.count) files (0 to \(manifest.files.count - 1))")
                }
                state.file = file
                state.skippingLines = line
            } else {
                state.skippingThrough = startAfter
            }
        }
        var objects: [SourceObject] = []
        while objects.count < pageSize, state.file < manifest.files.count {
            let file = manifest.files[state.file]
            if let line = Self.nextLine(&state) {
                state.line += 1
                if state.line <= state.skippingLines { continue }
                if var object = try record(line, file: file, number: state.line) {
                    object.resumeToken = "\(state.file):\(state.line)"
                    if let skipping = state.skippingThrough {
                        if Array(skipping.utf8) == Array(object.key.utf8) { state.skippingThrough = nil }
                        continue
                    }
                    objects.append(object)
                }
                continue
            }
            // No whole line pending: inflate the next 64 KiB (so the text held stays small
            // however well the file compresses), or read on, or finish the file.
            if state.pending.count - state.consumed > Self.maxLineLength {
                throw ManifestError("s3://\(file.bucket)/\(file.key) line \(state.line + 1) is longer than 1 MiB")
            }
            if state.fed < state.compressed.count {
                let end = min(state.fed + Self.feedSize, state.compressed.count)
                let input = Array(state.compressed[state.fed..<end])
                state.fed = end
                if end == state.compressed.count { (state.compressed, state.fed) = ([], 0) }
                if state.consumed > 0 { state.pending.removeSubrange(0..<state.consumed); state.consumed = 0 }
                if file.gzip {
                    if state.inflater == nil { state.inflater = try GzipInflater() }
                    state.pending += try state.inflater!.feed(input)
                } else {
                    state.pending += input
                }
                continue
            }
            if state.read || (file.size.map { state.offset >= $0 } ?? false) {
                try Self.finish(file, &state)
                continue
            }
            let range = state.offset...(state.offset + chunkSize - 1)
            let chunk: [UInt8]
            let total: Int64?
            do {
                (chunk, total) = try await client.getObject(bucket: file.bucket, key: file.key, range: range)
            } catch let error as S3Error where error.status == 416 {
                (chunk, total) = ([], state.offset)  // the end of a file whose size the manifest did not give
            }
            state.offset += Int64(chunk.count)
            state.md5.update(chunk)
            state.compressed = chunk
            state.fed = 0
            if chunk.isEmpty || (total.map { state.offset >= $0 } ?? false) { state.read = true }
        }
        let next = state.file < manifest.files.count ? "\(state.file):\(state.line)" : nil
        return SourcePage(objects: objects, nextToken: next)
    }

    /// The file has been read: its last line, its MD5, and on to the next file.
    private static func finish(_ file: InventoryManifest.File, _ state: inout Position) throws {
        if state.pending.count > state.consumed {
            state.pending.append(UInt8(ascii: "\n"))  // a last line without its newline
            return
        }
        if file.gzip, state.inflater?.isComplete != true {
            throw ManifestError("s3://\(file.bucket)/\(file.key) ends in the middle of its gzip stream")
        }
        let md5 = state.md5.finish()
        if let expected = file.md5, expected != md5 {
            throw ManifestError("s3://\(file.bucket)/\(file.key): MD5 \(md5) is not the manifest's \(expected)")
        }
        state = Position(file: state.file + 1, skippingThrough: state.skippingThrough, started: true)
    }

    /// `FILE:LINE`, a resume point of a manifest run.
    static func position(_ text: String) -> (file: Int, line: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 12 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
              let file = Int(parts[0]), let line = Int(parts[1]) else { return nil }
        return (file, line)
    }

    /// How much compressed input is inflated at once.
    static let feedSize = 64 * 1024
    /// The longest record read: a file of one endless line is refused, not held.
    static let maxLineLength = 1024 * 1024

    /// Takes the next whole line (without its `\n` or `\r\n`) of the pending text.
    private static func nextLine(_ state: inout Position) -> [UInt8]? {
        guard let newline = state.pending[state.consumed...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = Array(state.pending[state.consumed..<newline])
        state.consumed = newline + 1
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    /// The object on one record, or nil when it is not one to migrate.
    private func record(_ bytes: [UInt8], file: InventoryManifest.File, number: Int) throws -> SourceObject? {
        guard !bytes.isEmpty else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self), let fields = CSVRecord.fields(text[...]) else {
            throw ManifestError("s3://\(file.bucket)/\(file.key) line \(number) is not a CSV record")
        }
        func field(_ index: Int?) -> String? { index.flatMap { $0 < fields.count ? fields[$0] : nil } }
        guard let bucket = field(manifest.bucketColumn), let encoded = field(manifest.keyColumn) else {
            throw ManifestError("s3://\(file.bucket)/\(file.key) line \(number) has no bucket and key")
        }
        guard let key = URIEncoding.decode(encoded, plusAsSpace: true), !key.isEmpty else {
            throw ManifestError("s3://\(file.bucket)/\(file.key) line \(number): '\(encoded)' is not a URL-encoded key")
        }
        if bucket != sourceBucket { return nil }
        if field(manifest.isLatestColumn)?.lowercased() == "false" || field(manifest.isDeleteMarkerColumn)?.lowercased() == "true" {
            return nil
        }
        return SourceObject(key: key, eTag: field(manifest.eTagColumn).flatMap(ETag.init),
                            size: field(manifest.sizeColumn).flatMap { Int64($0) })
    }
}
