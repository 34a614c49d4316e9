package io.jshim.posix;

/** The contract on the FFM implementation. */
class FfmPosixTest extends PosixContractTest {
  @Override
  Posix create() {
    return PosixImplementation.FFM.create();
  }
}
