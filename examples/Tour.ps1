# A tour of ChdkPtp against the virtual camera. Run it with:
#   ./chdkps -File examples/Tour.ps1          (any machine with the .NET 10 SDK)
#   pwsh -File examples/Tour.ps1              (PowerShell 7, after dotnet build)
# It uses only the engine's core commands, so it runs in chdkps as well as in pwsh.
param(
    # Folder for the virtual camera's SD card; default: a temporary folder removed at the end.
    [string] $SimulatorRoot
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module ChdkPtp)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'ChdkPtp.psd1')) }

# 1. Connect: a session object, and the default for every other cmdlet.
$connect = @{ Simulator = $true }
if ($SimulatorRoot) { $connect.SimulatorRoot = $SimulatorRoot }
$cam = Connect-ChdkCamera @connect
$cam

# 2. Lua on the camera, results as objects.
$info = Invoke-ChdkLua 'return get_buildinfo()'
"Camera platform {0} {1}, CHDK {2}, {3}" -f $info.platform, $info.platsub, $info.build_number, $info.os

"6*7 on the camera = {0}; integer division 7/2 = {1}" -f (Invoke-ChdkLua 'return 6*7'), (Invoke-ChdkLua 'return 7/2')

# Several return values, nils kept.
$values = Invoke-ChdkLua 'return 1, nil, "three"'
"Returned {0} values: {1}" -f $values.Count, (($values | ForEach-Object { if ($null -eq $_) { 'nil' } else { $_ } }) -join ', ')

# 3. Data into a script without building code strings: -ArgumentList arrives as '...'.
$sum = Invoke-ChdkLua 'local t = ... local s = 0 for i = 1, #t do s = s + t[i] end return s' -ArgumentList (, @(1, 2, 3, 4))
"Sum computed on the camera: $sum"

# 4. Tables come back as arrays and objects.
$listing = Invoke-ChdkLua 'return os.listdir("A/")'
"Card root holds: $($listing -join ', ')"
$stat = Invoke-ChdkLua 'return os.stat("A/DCIM")'
"A/DCIM is a directory: $($stat.is_dir)"

# 5. Messages while a script runs: write_usb_msg goes to the information stream (or output with -OutputMessages).
Invoke-ChdkLua 'for i = 1, 3 do write_usb_msg("tick " .. i) end return "done"' -OutputMessages |
    ForEach-Object { if ($_ -is [ChdkPtp.ChdkMessage]) { "message: $($_.Value)" } else { "returned: $_" } }

# 6. A conversation with a running script.
$script = Invoke-ChdkLua 'local m = read_usb_msg(5000) return "camera got: " .. tostring(m)' -NoWait
Send-ChdkScriptMessage "hello camera" -ScriptId $script.ScriptId
(Get-ChdkScriptMessage -Wait -Timeout 5).Value

# 7. Errors are ErrorRecords with stable ids, pointing at your line.
try {
    Invoke-ChdkLua "local x = 1`nreturn x + nil" -ErrorAction Stop
}
catch {
    "Caught {0}: {1}" -f $_.FullyQualifiedErrorId, $_.Exception.Message
}

# 8. Camera memory (the simulator keeps a memory image).
Set-ChdkMemory -Address 0x1900 -Bytes ([byte[]][char[]]'CHDK') -Confirm:$false
Get-ChdkMemory -Address 0x1900 -Length 16 | Out-Default

# 9. Files: send a folder tree, list it, receive it back (times kept), delete it.
$work = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'chdkptp-tour-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
$scripts = [System.IO.Path]::Combine($work, 'scripts')
[System.IO.Directory]::CreateDirectory($scripts) | Out-Null
[System.IO.File]::WriteAllText([System.IO.Path]::Combine($scripts, 'HELLO.LUA'), 'print("hello from the card")')
Send-ChdkFile -LiteralPath $scripts -Destination A/CHDK/ -Recurse -PassThru |
    ForEach-Object { "sent {0} ({1} bytes, {2})" -f $_.FullName, $_.Length, $_.LastWriteTime }
Get-ChdkItem A/CHDK -Recurse | Out-Default
Receive-ChdkFile A/CHDK/scripts -Recurse -Destination ([System.IO.Path]::Combine($work, 'back')) -PassThru |
    ForEach-Object { "received {0} from {1}" -f $_.FullName, $_.CameraPath }
Remove-ChdkItem A/CHDK/scripts -Recurse -Confirm:$false
[System.IO.Directory]::Delete($work, $true)

$cam | Disconnect-ChdkCamera
"Disconnected. Connected sessions left: $(@(Get-ChdkCamera).Count)"
