"""What the user does across several screens and workers (a question, then work on a thread,
then a notice): kept out of the widgets and screens that start them."""
