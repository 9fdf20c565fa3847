// Sessions and the default session are process-wide, as in a real PowerShell process: tests that
// connect and disconnect must not interleave.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
