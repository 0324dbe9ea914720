"""Words that stand before a name as a title ("President Vladimir Putin"), shared by the attribution
of a sentence and the completion of speakers' names across an answer."""

TITLE_WORDS = {"president", "prime", "minister", "foreign", "spokeswoman", "spokesman", "spokesperson", "belarusian", "russian", "ukrainian", "mr.", "ms.", "dr."}
