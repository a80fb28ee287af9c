# fo: the highest weight takes everything; quiesce it and the next takes over
adm -C
adm -A -t $VIP:$PORT -s fo
adm -a -t $VIP:$PORT -r $BE1:80 -m -w 1
adm -a -t $VIP:$PORT -r $BE2:80 -m -w 3
adm -a -t $VIP:$PORT -r $BE3:80 -m -w 2
get 3
adm -e -t $VIP:$PORT -r $BE2:80 -m -w 0
get 3
check
