@{
    RootModule           = 'bin/ChdkPtp.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f7a1e-2f43-4c8e-9c55-6f3b1d2a9e71'
    Author               = 'ChdkPtp contributors'
    CompanyName          = 'ChdkPtp'
    Copyright            = '(c) ChdkPtp contributors.'
    Description          = 'Drive Canon cameras running CHDK over PTP: Lua scripts with typed results, camera memory, and a virtual CHDK camera for developing without hardware.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('bin/ChdkPtp.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-ChdkCamera'
        'Disconnect-ChdkCamera'
        'Get-ChdkCamera'
        'Test-ChdkEnvironment'
        'Invoke-ChdkLua'
        'Get-ChdkScriptMessage'
        'Send-ChdkScriptMessage'
        'Stop-ChdkScript'
        'Get-ChdkMemory'
        'Set-ChdkMemory'
        'Invoke-ChdkFunction'
        'Get-ChdkItem'
        'New-ChdkDirectory'
        'Remove-ChdkItem'
        'Receive-ChdkFile'
        'Send-ChdkFile'
        'Set-ChdkCameraMode'
        'Save-ChdkRemoteCapture'
        'Invoke-ChdkShoot'
        'Start-ChdkTimelapse'
        'Get-ChdkLiveView'
        'Save-ChdkLiveView'
        'Start-ChdkSimulator'
        'Stop-ChdkSimulator'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('CHDK', 'Canon', 'camera', 'PTP', 'Lua', 'automation')
            ProjectUri = 'https://github.com/chdkptp/ChdkPtp'
        }
    }
}
