import HeraldCore
import Testing

@Suite struct APITokenSecretTests {
    @Test func tokensAreRandomAndPrefixed() {
        let a = APITokenSecret.generate()
        let b = APITokenSecret.generate()
        #expect(a != b)
        #expect(a.hasPrefix("hrld_") && a.count == 5 + 43)
    }

    @Test func hashIsHexSHA256() {
        // printf abc | sha256sum
        #expect(APITokenSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
