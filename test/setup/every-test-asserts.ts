/**
 * A test that asserts nothing cannot fail: every test in every project must make at least one
 * `expect` call, or it fails with "Expected at least one assertion to be called".
 */
beforeEach(() => {
  expect.hasAssertions();
});
