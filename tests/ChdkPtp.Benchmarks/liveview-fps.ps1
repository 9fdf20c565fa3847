# End-to-end live view: frames fetched from the in-process simulator and decoded to RGB, in one chdkps process.
#   ./chdkps -File tests/ChdkPtp.Benchmarks/liveview-fps.ps1 [-Frames 300]
# Reports frames per second for fetching alone (Get-ChdkLiveView) and for fetching + decoding the viewport,
# and the time per frame of writing it as PNG (Save-ChdkLiveView).
param([int] $Frames = 300)
$ErrorActionPreference = 'Stop'
$cam = Connect-ChdkCamera -Simulator
Get-ChdkLiveView -Count 20 -FrameRate 1000 | ForEach-Object { $null = $_.GetImage('Viewport', $false) }   # warm up
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$n = @(Get-ChdkLiveView -Count $Frames -FrameRate 1000).Count
$fetch = $n / $sw.Elapsed.TotalSeconds
$sw.Restart()
Get-ChdkLiveView -Count $Frames -FrameRate 1000 | ForEach-Object { $null = $_.GetImage('Viewport', $false) }
$decode = $Frames / $sw.Elapsed.TotalSeconds
$dir = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'chdkptp-lv-bench-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
$sw.Restart()
$png = @(Save-ChdkLiveView $dir -Count 50 -FrameRate 1000).Count
$pngMs = $sw.Elapsed.TotalMilliseconds / $png
[System.IO.Directory]::Delete($dir, $true)
$f = Get-ChdkLiveView
'{0} frames of {1}x{2}: fetch {3:0} frames/s; fetch + decode to RGB {4:0} frames/s; fetch + decode + PNG file {5:0.0} ms per frame' -f `
    $Frames, $f.ViewportWidth, $f.ViewportHeight, $fetch, $decode, $pngMs
