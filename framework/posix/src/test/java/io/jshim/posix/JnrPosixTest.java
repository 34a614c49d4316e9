package io.jshim.posix;

/** The contract on the jnr-posix implementation. */
class JnrPosixTest extends PosixContractTest {
  @Override
  Posix create() {
    return PosixImplementation.JNR.create();
  }
}
