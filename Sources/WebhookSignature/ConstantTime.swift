/// Comparisons whose running time does not depend on where two byte strings differ.
enum ConstantTime {
    /// True when both hold the same bytes; only the lengths, which are not secret, may end it early.
    static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
