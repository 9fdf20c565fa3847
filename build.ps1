<#
.SYNOPSIS
    Builds, tests and regenerates help for ChdkPtp. A thin wrapper over the dotnet CLI.
.EXAMPLE
    ./build.ps1            # Build (Debug)
.EXAMPLE
    ./build.ps1 Test       # Run every test that needs no hardware
.EXAMPLE
    ./build.ps1 Help       # Regenerate en-US/ChdkPtp.dll-Help.xml from docs/*.md
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Benchmark', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)
$ErrorActionPreference = 'Stop'
Push-Location $PSScriptRoot
try {
    switch ($Task) {
        'Build'     { dotnet build ChdkPtp.sln -c $Configuration }
        'Test'      { dotnet test ChdkPtp.sln -c $Configuration }
        'Help'      {
            dotnet build tools/ChdkPtp.HelpGen -c $Configuration
            dotnet run --project tools/ChdkPtp.HelpGen -c $Configuration --no-build -- docs en-US/ChdkPtp.dll-Help.xml
        }
        'Benchmark' { dotnet run --project tests/ChdkPtp.Benchmarks -c Release -- --filter '*' }
        'Clean'     { dotnet clean ChdkPtp.sln -c $Configuration; Remove-Item -Recurse -Force bin -ErrorAction SilentlyContinue }
    }
    if ($LASTEXITCODE) { exit $LASTEXITCODE }
}
finally {
    Pop-Location
}
