/// Which side wins when a copy's destination key already holds an object.
///
/// Before the switch the legacy bucket is the one written: a newer source version replaces an
/// older copy. After the switch the application owns the destination: what it wrote is never
/// overwritten with legacy bytes. The destination is written only when
/// - it is absent,
/// - or it is provably older than the source's current version: its `Last-Modified` is not
///   after the source's. Both times are set by the same S3 service when each object was written,
///   so a destination written after the source's current version is either a copy of that very
///   version (identical: nothing is written) or someone else's newer write;
///
/// and it is left alone, unwritten, when it is identical to the source (content evidence). Any
/// other destination is kept and the object is a **conflict**.
public enum DestinationRule {
    /// What to do about a destination.
    public enum Decision: Sendable, Hashable {
        /// Write the copy, guarded by the condition that the destination is still as inspected.
        case write(Expectation)
        /// The destination already holds the source's bytes: write nothing.
        case keep(CopyProof)
        /// Only the sizes compare: read both objects' bytes and decide again with that proof.
        case readBoth
        /// The destination holds other, newer bytes: keep them; the reason says why.
        case conflict(String)
    }

    /// What the write expects to find, for the server to check (`If-None-Match: *`, `If-Match`).
    public enum Expectation: Sendable, Hashable {
        /// Nothing at the key.
        case absent
        /// The object with this ETag (the one inspected).
        case replacing(ETag?)
    }

    /// The decision for a destination as inspected (nil: absent).
    ///
    /// - Parameters:
    ///   - sourceModified, destinationModified: `Last-Modified`, in seconds; nil when unknown
    ///     (then nothing can be proven older, and a differing destination is a conflict).
    ///   - contentProof: the verdict of reading both objects, after a ``Decision/readBoth``.
    public static func decide(source: ObjectFingerprint, sourceModified: Int64?, destination: ObjectFingerprint?,
                              destinationModified: Int64?, contentProof: CopyProof? = nil) -> Decision {
        guard let destination else { return .write(.absent) }
        let proof = contentProof ?? CopyProof.compare(source: source, copy: destination)
        let difference: String
        switch proof {
        case .identical: return .keep(proof)
        case .unproven(let reason):
            guard contentProof == nil else { return .conflict("not provably identical after reading both: \(reason)") }
            return .readBoth
        case .different(let reason): difference = reason
        }
        guard let sourceModified, let destinationModified else {
            return .conflict("it differs (\(difference)) and its age cannot be compared with the source's")
        }
        // A tie (one-second resolution) goes to the source: before the switch the source is the one written.
        guard destinationModified > sourceModified else { return .write(.replacing(destination.eTag)) }
        return .conflict("it was written after the source's current version and differs (\(difference))")
    }
}
