import AWS
import StrictJSON
import TextSupport

/// What `backfill --manifest` reads: an S3 Inventory report (`manifest.json` and the
/// gzip-compressed CSV files it names), or a plain CSV of `bucket,key[,versionId]` as S3 Batch
/// Operations takes it.
public struct InventoryManifest: Sendable, Hashable {
    /// One data file: where it is, how big, and its MD5 (Inventory only).
    public struct File: Sendable, Hashable {
        public var bucket: String
        public var key: String
        public var size: Int64?
        public var md5: String?
        public var gzip: Bool
    }

    public var files: [File]
    /// Column positions, from the manifest's `fileSchema` (or `Bucket, Key, VersionId`).
    public var bucketColumn: Int
    public var keyColumn: Int
    public var sizeColumn: Int?
    public var eTagColumn: Int?
    public var isLatestColumn: Int?
    public var isDeleteMarkerColumn: Int?

    /// `s3://bucket/key` → (bucket, key); nil for anything else.
    public static func location(_ url: String) -> (bucket: String, key: String)? {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst("s3://".count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else { return nil }
        return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
    }

    /// A plain CSV (`bucket,key[,versionId]`, keys URL-encoded, no header).
    public static func plainCSV(bucket: String, key: String) -> InventoryManifest {
        InventoryManifest(files: [File(bucket: bucket, key: key, size: nil, md5: nil, gzip: key.hasSuffix(".gz"))],
                          bucketColumn: 0, keyColumn: 1)
    }

    /// Reads an Inventory `manifest.json`; its data files are in `inventoryBucket` (where the manifest is).
    public static func parse(_ body: [UInt8], inventoryBucket: String) throws -> InventoryManifest {
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            throw ManifestError("manifest.json is not JSON: \(error)")
        }
        guard root["fileFormat"]?.string?.uppercased() == "CSV" else {
            throw ManifestError("only CSV inventory reports are read (fileFormat is \(root["fileFormat"]?.string ?? "missing"))")
        }
        guard let schema = root["fileSchema"]?.string else { throw ManifestError("manifest.json has no fileSchema") }
        let columns = schema.split(separator: ",").map { $0.trimmingWhitespace().lowercased() }
        func column(_ name: String) -> Int? { columns.firstIndex(of: name.lowercased()) }
        guard let bucketColumn = column("Bucket"), let keyColumn = column("Key") else {
            throw ManifestError("fileSchema '\(schema)' names no Bucket and Key")
        }
        guard let entries = root["files"]?.array, !entries.isEmpty else { throw ManifestError("manifest.json lists no files") }
        let files = try entries.map { entry -> File in
            guard let key = entry["key"]?.string, !key.isEmpty else { throw ManifestError("a file in manifest.json has no key") }
            let md5 = entry["MD5checksum"]?.string?.lowercased()
            if let md5, !(md5.utf8.count == 32 && md5.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })) {
                throw ManifestError("file \(key): MD5checksum '\(md5)' is not 32 hex digits")
            }
            return File(bucket: inventoryBucket, key: key, size: entry["size"]?.int64, md5: md5, gzip: key.hasSuffix(".gz"))
        }
        return InventoryManifest(files: files, bucketColumn: bucketColumn, keyColumn: keyColumn, sizeColumn: column("Size"),
                                 eTagColumn: column("ETag"), isLatestColumn: column("IsLatest"),
                                 isDeleteMarkerColumn: column("IsDeleteMarker"))
    }
}

/// A manifest that cannot be read as one.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One CSV record's fields (RFC 4180: fields in double quotes may hold commas and `""`).
enum CSVRecord {
    static func fields(_ line: Substring) -> [String]? {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var index = line.startIndex
        var atFieldStart = true
        while index < line.endIndex {
            let character = line[index]
            if quoted {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex, line[next] == "\"" {
                        field.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && atFieldStart {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
                atFieldStart = true
                index = line.index(after: index)
                continue
            } else {
                field.append(character)
            }
            atFieldStart = false
            index = line.index(after: index)
        }
        guard !quoted else { return nil }
        fields.append(field)
        return fields
    }
}
