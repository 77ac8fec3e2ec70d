// libFuzzer provides LLVMFuzzerRunDriver; this target only declares it.
