import Foundation
import MoverRuntime
import Postgres
import PropertyBased
import Testing

/// The settings parser against arbitrary input: every value is either accepted inside its range
/// or refused with an error naming the variable and the flag. It never traps.
@Suite(.timeLimit(.minutes(2))) struct SettingsPropertyTests {
    /// Text that looks like numbers, and text that does not.
    static let numberish = Gen<Character?>.element(of: Array("0123456789.-+eEinfatyINFNA x_") as [Character]).map { $0! }.string(of: 0...12)
    static let anything = Gen<Character>.latin1.string(of: 0...16)

    static let durations: [(Setting, ClosedRange<Double>, @Sendable (Settings) throws -> Duration)] = [
        (.rowWait, 0...86_400, { try $0.rowWait() }),
        (.dbLockTimeout, 0.001...3_600, { try $0.sessionLimits().lockTimeout }),
        (.dbStatementTimeout, 0.001...86_400, { try $0.sessionLimits().statementTimeout }),
    ]

    static func check(_ setting: Setting, _ text: String, range: ClosedRange<Double>, _ read: (Settings) throws -> Duration) {
        let settings = Settings(environment: [setting.variable: text])
        do {
            let value = try read(settings)
            let seconds = Double(value.components.seconds) + Double(value.components.attoseconds) / 1e18
            // Accepted only when the text is a finite number inside the range (blank text means the default).
            #expect(seconds >= range.lowerBound - 0.001 && seconds <= range.upperBound + 0.001, "\(setting) '\(text)' → \(value)")
            if let number = Double(text.trimmingCharacters(in: .whitespaces)) {
                #expect(number.isFinite && range.contains(number), "\(setting) accepted '\(text)'")
                // Rounded to the millisecond: at most half of one off, plus the binary fraction's error.
                #expect(abs(seconds - number) <= 0.0005 + 1e-9, "\(setting) '\(text)' → \(value)")
            }
        } catch let error as SettingsError {
            #expect("\(error)".contains(setting.variable) && "\(error)".contains(setting.flag), "\(error)")
        } catch {
            Issue.record("\(setting) '\(text)' threw \(error)")
        }
    }

    @Test func durationsFromArbitraryText() async {
        for (setting, range, read) in Self.durations {
            await propertyCheck(count: 300, input: Self.numberish) { text in Self.check(setting, text, range: range, read) }
            await propertyCheck(count: 100, input: Self.anything) { text in Self.check(setting, text, range: range, read) }
        }
    }

    @Test func durationsFromArbitraryNumbers() async {
        let numbers = Gen<Double>.double(in: -1e7...1e7)
        for (setting, range, read) in Self.durations {
            await propertyCheck(count: 300, input: numbers) { number in Self.check(setting, String(number), range: range, read) }
            for special in [Double.nan, .infinity, -.infinity, -0.0, 0, .ulpOfOne, range.lowerBound, range.upperBound, range.upperBound.nextUp] {
                Self.check(setting, String(special), range: range, read)
            }
        }
    }

    @Test func byteCountsAndPortsFromArbitraryText() async {
        await propertyCheck(count: 300, input: Self.numberish) { text in
            do {
                let bytes = try Settings(environment: [Setting.partSize.variable: text]).bytes(.partSize, minimum: 5 * 1024 * 1024)
                #expect(bytes >= 5 * 1024 * 1024)
            } catch let error as SettingsError {
                #expect("\(error)".contains(Setting.partSize.variable))
            } catch {
                Issue.record("'\(text)' threw \(error)")
            }
            do {
                if let port = try Settings(environment: [Setting.metricsPort.variable: text]).metricsPort() {
                    #expect((0...65535).contains(port))
                }
            } catch let error as SettingsError {
                #expect("\(error)".contains(Setting.metricsPort.variable))
            } catch {
                Issue.record("'\(text)' threw \(error)")
            }
        }
    }
}
