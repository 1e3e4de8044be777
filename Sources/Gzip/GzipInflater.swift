internal import CZlib

/// Decompresses a gzip stream piece by piece (zlib's `inflate`), so that a large compressed file
/// is read in constant memory. Concatenated gzip members (as `gzip` writes for appended data)
/// are read one after the other.
///
/// Not thread-safe: one owner feeds it. The `z_stream` is created in `init` and ended exactly
/// once, in `deinit`.
public final class GzipInflater {
    private var stream = z_stream()
    private var finished = false

    public init() throws(GzipError) {
        guard s3m_inflate_init_gzip(&stream) == Z_OK else { throw GzipError(message: "could not start inflating") }
    }

    deinit { inflateEnd(&stream) }

    /// The bytes that `compressed` decompresses to (possibly none yet: a member may span chunks).
    public func feed(_ compressed: [UInt8]) throws(GzipError) -> [UInt8] {
        var output: [UInt8] = []
        var input = compressed
        var status: Int32 = Z_OK
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            var outputFull = false
            repeat {
                if finished && stream.avail_in > 0 {
                    // The member ended and more follows: the next member.
                    inflateReset(&stream)
                    finished = false
                }
                status = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                outputFull = stream.avail_out == 0
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
                if status == Z_STREAM_END { finished = true }
                guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && stream.avail_in == 0) else { return }
            } while stream.avail_in > 0 || (outputFull && !finished)
            stream.next_in = nil
        }
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            throw GzipError(message: "the data is not valid gzip (zlib status \(status))")
        }
        return output
    }

    /// Whether the last member ended cleanly (a truncated file never does).
    public var isComplete: Bool { finished }
}

/// Input that is not gzip, or is cut off.
public struct GzipError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { "gzip: \(message)" }
}
