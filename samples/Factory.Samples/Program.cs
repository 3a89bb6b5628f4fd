// The numbered samples arrive with the embedding issue; until then this entry point only lists them.
Console.WriteLine("Factory samples: none yet.");
return 0;
