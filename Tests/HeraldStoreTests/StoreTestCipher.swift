import HeraldCore

/// The main key of every store the store tests open, so a test that reopens a database reads its secrets back.
let storeTestCipher = SecretCipher.random()
