// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

// The NUnit integration drives the runner one scenario at a time through its internal session API.
[assembly: InternalsVisibleTo("NfvConformance.Gherkin.NUnit")]
