# rr: the server added last first (the kernel adds at the list head)
adm -C
adm -A -t $VIP:$PORT -s rr
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 9
check Ln stats Lnc S timeout thresholds persistent
