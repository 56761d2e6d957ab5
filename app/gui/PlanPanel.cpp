// The filing plan panel (issue 5; being written).
