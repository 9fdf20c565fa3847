# End-to-end Receive-ChdkFile against a plain stream copy of the same card file, in one chdkps process.
#   ./chdkps -File tests/ChdkPtp.Benchmarks/receive-vs-copy.ps1 [-MiB 256] [-Rounds 5]
# Peak memory of the whole process: run it under /usr/bin/time -f %M with -MiB 1 and -MiB 1024 and compare.
param([int] $MiB = 256, [int] $Rounds = 5)
$ErrorActionPreference = 'Stop'
$cam = Connect-ChdkCamera -Simulator
$card = [System.IO.Path]::Combine($cam.SimulatorRoot, 'BIG.BIN')
$data = [byte[]]::new(1MB)
$rng = [System.Random]::new(1)
$f = [System.IO.File]::Create($card)
for ($i = 0; $i -lt $MiB; $i++) { $rng.NextBytes($data); $f.Write($data, 0, $data.Length) }
$f.Dispose()
$work = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'chdkptp-recv-bench-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
[System.IO.Directory]::CreateDirectory($work) | Out-Null
$copyTarget = [System.IO.Path]::Combine($work, 'copy.bin')
$receiveTarget = [System.IO.Path]::Combine($work, 'BIG.BIN')
$copy = [System.Collections.Generic.List[double]]::new()
$receive = [System.Collections.Generic.List[double]]::new()
for ($r = 0; $r -le $Rounds; $r++) {   # round 0 warms up and is not counted
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $in = [System.IO.File]::OpenRead($card); $out = [System.IO.File]::Create($copyTarget)
    $in.CopyTo($out, 1MB); $out.Dispose(); $in.Dispose()
    $t1 = $sw.Elapsed.TotalMilliseconds
    [System.IO.File]::Delete($copyTarget)
    $sw.Restart()
    Receive-ChdkFile A/BIG.BIN -Destination $work -Force
    $t2 = $sw.Elapsed.TotalMilliseconds
    [System.IO.File]::Delete($receiveTarget)
    if ($r -gt 0) { $copy.Add($t1); $receive.Add($t2) }
}
[System.IO.Directory]::Delete($work, $true)
$m = [System.Linq.Enumerable]::ToArray($receive); [System.Array]::Sort($m); $rc = $m[[int]($m.Length / 2)]
$m2 = [System.Linq.Enumerable]::ToArray($copy); [System.Array]::Sort($m2); $c = $m2[[int]($m2.Length / 2)]
'{0} MiB, median of {1}: copy {2:0} ms ({3:0} MiB/s), Receive-ChdkFile {4:0} ms ({5:0} MiB/s), rate ratio {6:0.00}' -f `
    $MiB, $Rounds, $c, ($MiB * 1000 / $c), $rc, ($MiB * 1000 / $rc), ($c / $rc)
